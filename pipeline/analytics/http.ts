import Fastify, { type FastifyInstance } from 'fastify';
import { figuresJson, type Figures } from './figures.js';
import type { MetricsExposition } from './prometheus.js';

/** GET /metrics (JSON figures), GET /metrics/prometheus, GET /health. */
export function buildMetricsServer(current: () => Figures, prometheus: MetricsExposition): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(figuresJson(current()));
  });
  app.get('/metrics/prometheus', async (_request, reply) => reply.type(prometheus.contentType).send(await prometheus.scrape()));
  app.get('/health', () => ({ status: 'ok' }));
  return app;
}
