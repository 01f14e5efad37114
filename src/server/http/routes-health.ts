/** Liveness, readiness and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from './context.js';
import { sendProblem } from './problem.js';

const status = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } as const;

export function registerHealthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/healthz', { schema: { summary: 'The process answers', response: { 200: status } } }, () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { schema: { summary: 'The store answers and a vulnerability database is present', response: { 200: status } } },
    async (_req, reply) => {
      try {
        await ctx.store.ping();
      } catch {
        return sendProblem(reply, 503, 'the store does not answer');
      }
      if (!ctx.databaseReady())
        return sendProblem(reply, 503, 'no vulnerability database yet: run `customs db update`');
      return { status: 'ready' };
    },
  );
  app.get('/metrics', { schema: { summary: 'Prometheus metrics (text format)' } }, async (_req, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
