/**
 * Registry notifications in: the CNCF distribution envelope
 * (`application/vnd.docker.distribution.events.v1+json`), sent by a
 * registry's `notifications.endpoints` with the server token in its
 * `headers` (checked by the token hook like any request). Each push of a
 * manifest queues a scan of `host/repository@digest`; an event id seen
 * before queues nothing, so redeliveries are harmless. Bodies are bounded
 * (64 KiB, 100 events) and checked against the schema before anything is
 * stored.
 */
import type { FastifyInstance } from 'fastify';
import { lockKeyOf } from '../queue/queue.js';
import type { ServerContext } from './context.js';
import { problemSchema } from './problem.js';

const ENVELOPE = 'application/vnd.docker.distribution.events.v1+json';

/** Manifests and indexes: a push of a layer blob is not an image. */
const MANIFEST_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);

interface DistributionEvent {
  id: string;
  action: string;
  target?: { mediaType?: string; repository?: string; digest?: string; tag?: string };
  request?: { host?: string };
}

const text = (max: number) => ({ type: 'string', maxLength: max }) as const;

export function registerWebhookRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.addContentTypeParser(ENVELOPE, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.post<{ Body: { events: DistributionEvent[] } }>(
    '/webhooks/distribution',
    {
      schema: {
        summary: 'CNCF distribution notifications: each manifest push queues a scan (idempotent by event id)',
        body: {
          type: 'object',
          required: ['events'],
          properties: {
            events: {
              type: 'array',
              maxItems: 100,
              items: {
                type: 'object',
                required: ['id', 'action'],
                properties: {
                  id: { type: 'string', minLength: 1, maxLength: 128 },
                  action: text(32),
                  target: {
                    type: 'object',
                    properties: {
                      mediaType: text(256),
                      repository: { type: 'string', maxLength: 256, pattern: '^[a-z0-9]+([._/-][a-z0-9]+)*$' },
                      digest: { type: 'string', pattern: '^sha256:[a-f0-9]{64}$' },
                      tag: text(128),
                    },
                  },
                  request: {
                    type: 'object',
                    properties: { host: { type: 'string', maxLength: 256, pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$' } },
                  },
                },
              },
            },
          },
        },
        response: {
          202: {
            type: 'object',
            properties: {
              queued: { type: 'array', items: { type: 'string' } },
              duplicates: { type: 'integer' },
              ignored: { type: 'integer' },
            },
          },
          400: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const queued: string[] = [];
      let duplicates = 0;
      let ignored = 0;
      for (const e of req.body.events) {
        const t = e.target;
        const host = e.request?.host;
        if (e.action !== 'push' || !t?.repository || !t.digest || !host || !MANIFEST_TYPES.has(t.mediaType ?? '')) {
          ignored++;
          continue;
        }
        if (!(await ctx.store.firstDelivery(e.id))) {
          duplicates++;
          continue;
        }
        const ref = `${host}/${t.repository}@${t.digest}`;
        const scan = await ctx.store.createScan(ref);
        await ctx.queue.enqueue({ scanId: scan.id, lockKey: lockKeyOf(ref) });
        await ctx.store.linkDelivery(e.id, scan.id);
        await ctx.store.audit({ actor: req.ip, action: 'webhook.push', resource: ref, result: `queued ${scan.id}` });
        queued.push(scan.id);
      }
      return reply.code(202).send({ queued, duplicates, ignored });
    },
  );
}
