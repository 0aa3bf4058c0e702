import Fastify, { type FastifyInstance } from 'fastify';
import { metricsJson, type Figures } from './figures.js';
import type { MetricsExposition } from './prometheus.js';
import type { WindowFigures } from './window.js';

/** GET /metrics (the JSON figures and their window), GET /metrics/prometheus, GET /health. */
export function buildMetricsServer(current: () => Figures, window: () => WindowFigures, prometheus: MetricsExposition): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(metricsJson(current(), window()));
  });
  app.get('/metrics/prometheus', async (_request, reply) => reply.type(prometheus.contentType).send(await prometheus.scrape()));
  app.get('/health', () => ({ status: 'ok' }));
  return app;
}
