/** Scans: ask for one (queued, 202), follow it; and a re-match on demand. */
import type { FastifyInstance } from 'fastify';
import { UserError } from '../../util/errors.js';
import { checkLocalInput, isLocalInput } from '../local-input.js';
import { lockKeyOf } from '../queue/queue.js';
import type { ServerContext } from './context.js';
import { HttpProblem, problemSchema } from './problem.js';

const scanSchema = {
  type: 'object',
  required: ['id', 'status', 'image', 'kind', 'attempts', 'createdAt'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    kind: { type: 'string', enum: ['scan', 'rematch'] },
    image: { type: 'string' },
    digest: { type: 'string' },
    error: { type: 'string' },
    attempts: { type: 'integer' },
    createdAt: { type: 'string' },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
    dbBuiltAt: { type: 'string' },
  },
} as const;

export function registerScanRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: { image: string } }>(
    '/scans',
    {
      schema: {
        summary: 'Queue a scan of an image',
        body: {
          type: 'object',
          required: ['image'],
          additionalProperties: false,
          properties: {
            // A reference has no spaces or control characters; 1 KiB is far beyond any real one.
            image: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[^\\s\\x00-\\x1f\\x7f]+$' },
          },
        },
        response: {
          202: {
            type: 'object',
            required: ['id', 'status'],
            properties: { id: { type: 'string' }, status: { type: 'string' } },
          },
          400: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const ref = req.body.image;
      if (isLocalInput(ref)) {
        try {
          checkLocalInput(ref, ctx.opts.allowLocalInput);
        } catch (e) {
          throw new HttpProblem(400, e instanceof UserError ? e.message : String(e));
        }
      }
      const scan = await ctx.store.createScan(ref);
      await ctx.queue.enqueue({ scanId: scan.id, lockKey: lockKeyOf(ref) });
      await ctx.store.audit({ actor: req.ip, action: 'scan.request', resource: ref, result: `queued ${scan.id}` });
      return reply.code(202).send({ id: scan.id, status: scan.status });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/scans/:id',
    {
      schema: {
        summary: 'A scan and its state',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        response: { 200: scanSchema, 404: problemSchema },
      },
    },
    async (req) => {
      const scan = await ctx.store.scan(req.params.id);
      if (!scan) throw new HttpProblem(404, `no scan ${req.params.id}`);
      return scan;
    },
  );

  app.post<{ Body: { full?: boolean } | undefined }>(
    '/rematch',
    {
      schema: {
        summary:
          'Match stored inventories against the current vulnerability database: those the changed advisories touch, or all with full',
        body: { type: 'object', additionalProperties: false, properties: { full: { type: 'boolean' } } },
        response: {
          200: {
            type: 'object',
            required: ['database', 'changedPackages', 'rematched'],
            properties: {
              database: { type: 'string' },
              changedPackages: { type: 'integer' },
              rematched: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
    async (req) => {
      const summary = await ctx.rematch(req.body?.full === true);
      await ctx.store.audit({
        actor: req.ip,
        action: 'rematch',
        resource: summary.database,
        result: `${summary.rematched.length} images`,
      });
      return summary;
    },
  );
}
