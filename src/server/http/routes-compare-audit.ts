/**
 * `GET /compare?from=&to=`: what changed between two images, from their
 * latest stored reports (no image is pulled or scanned again), with the
 * library's report comparison. `GET /audit`: the audit trail, newest first,
 * paged by a cursor (the id below which the next page starts).
 */
import type { FastifyInstance } from 'fastify';
import { compareReports } from '../../api/compare.js';
import type { ScanOutcome } from '../../api/scan.js';
import type { ServerContext } from './context.js';
import { HttpProblem, problemSchema } from './problem.js';

const digest = { type: 'string', pattern: '^sha256:[a-f0-9]{64}$' } as const;

async function latestReport(ctx: ServerContext, d: string): Promise<ScanOutcome['report']> {
  const image = await ctx.store.image(d);
  const body = image?.lastScan ? await ctx.store.report(image.lastScan.id) : undefined;
  if (!body) throw new HttpProblem(404, `no scanned image ${d}`);
  return (JSON.parse(body) as Pick<ScanOutcome, 'report'>).report;
}

export function registerCompareAuditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { from: string; to: string } }>(
    '/compare',
    {
      schema: {
        summary: 'Packages and vulnerabilities added, removed or changed between two scanned images',
        querystring: { type: 'object', required: ['from', 'to'], properties: { from: digest, to: digest } },
        response: { 400: problemSchema, 404: problemSchema },
      },
    },
    async (req) => compareReports(await latestReport(ctx, req.query.from), await latestReport(ctx, req.query.to)),
  );

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/audit',
    {
      schema: {
        summary: 'The audit trail, newest first',
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            cursor: { type: 'string', pattern: '^[0-9]{1,15}$' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    at: { type: 'string' },
                    actor: { type: 'string' },
                    action: { type: 'string' },
                    resource: { type: 'string' },
                    result: { type: 'string' },
                  },
                },
              },
              next: { type: 'string' },
            },
          },
          400: problemSchema,
        },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 100;
      const rows = await ctx.store.auditPage(limit, req.query.cursor ? Number(req.query.cursor) : undefined);
      const items = rows.map((r) => ({ ...r, id: Number(r.id) }));
      const last = items[items.length - 1];
      return { items, ...(items.length === limit && last ? { next: String(last.id) } : {}) };
    },
  );
}
