import Fastify, { type FastifyInstance } from 'fastify';
import type { InventoryStats } from './service.js';

/** GET /metrics: the inventory's counts as JSON (what it processed, and how); GET /health. */
export function buildInventoryServer(stats: () => Readonly<InventoryStats>): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', () => {
    const s = stats();
    return { processed: s.processed, reserved: s.reserved, failed: s.failed, dead_lettered: s.deadLettered, retries: s.retries };
  });
  app.get('/health', () => ({ status: 'ok' }));
  return app;
}
