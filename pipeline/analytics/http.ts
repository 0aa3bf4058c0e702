import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { figuresJson, type Figures } from './figures.js';

/** GET /metrics (JSON figures), GET /metrics/prometheus, GET /health. */
export function buildMetricsServer(current: () => Figures, registry: Registry): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(figuresJson(current()));
  });
  app.get('/metrics/prometheus', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  app.get('/health', () => ({ status: 'ok' }));
  return app;
}
