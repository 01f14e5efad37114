/**
 * Push notifications from registries that do not speak the CNCF envelope:
 *
 * - Harbor `PUSH_ARTIFACT` (Harbor's "Webhook Notifications" payload:
 *   `type`, `occur_at`, `event_data.resources[]` {digest, tag, resource_url},
 *   `event_data.repository` {namespace, name, repo_full_name}). Harbor sends
 *   the policy's "Auth Header" verbatim: set it to `Bearer TOKEN`, checked by
 *   the token hook like any request.
 * - Docker Hub's push webhook (`push_data` {tag, pushed_at},
 *   `repository` {repo_name}). Docker Hub can send neither a header nor a
 *   signature, so the URL carries a shared secret (`?secret=`), compared in
 *   constant time.
 * - GitHub `package` / `registry_package` events for container packages,
 *   signed with HMAC-SHA256 of the raw body (`X-Hub-Signature-256`).
 *
 * Each delivery is keyed (GitHub's delivery id; a hash of the pushed
 * artifact and time for the others) so a redelivery queues nothing. Bodies
 * are bounded, and every name is checked before a scan is queued or anything
 * stored.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { lockKeyOf } from '../queue/queue.js';
import type { ServerContext } from './context.js';
import { HttpProblem, problemSchema } from './problem.js';

/** Paths that check their own secret or signature instead of the API token. */
export const SELF_VERIFIED_WEBHOOKS = ['/api/v1/webhooks/dockerhub', '/api/v1/webhooks/github'];

const REPOSITORY = /^[a-z0-9]+([._/-][a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$/;
const GITHUB_BODY_LIMIT = 512 * 1024;

const accepted = {
  202: {
    type: 'object',
    properties: {
      queued: { type: 'array', items: { type: 'string' } },
      duplicates: { type: 'integer' },
      ignored: { type: 'integer' },
    },
  },
  400: problemSchema,
  401: problemSchema,
  404: problemSchema,
} as const;

interface Outcome {
  queued: string[];
  duplicates: number;
  ignored: number;
}

/** Constant time on equal-length digests, so neither content nor length leaks. */
function sameSecret(given: string, expected: string): boolean {
  const h = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(given), h(expected)) && given.length > 0;
}

/** A delivery that failed its check: written to the audit trail, then refused with 401 and what to fix. */
async function refuseDelivery(
  ctx: ServerContext,
  ip: string,
  source: string,
  why: string,
  hint: string,
): Promise<never> {
  await ctx.store.audit({ actor: ip, action: `webhook.${source}`, resource: '-', result: `denied: ${why}` });
  throw new HttpProblem(401, hint);
}

function deliveryKey(source: string, ...parts: unknown[]): string {
  return `${source}:${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40)}`;
}

function checkedRef(host: string, repository: string, tag: string | undefined, digest: string | undefined): string {
  if (!HOST.test(host)) throw new HttpProblem(400, `registry host "${host.slice(0, 80)}" is not a host`);
  if (!REPOSITORY.test(repository) || repository.length > 256)
    throw new HttpProblem(400, `repository "${repository.slice(0, 80)}" is not a repository name`);
  if (tag !== undefined && !TAG.test(tag)) throw new HttpProblem(400, `tag "${tag.slice(0, 80)}" is not a tag`);
  if (digest !== undefined && !DIGEST.test(digest))
    throw new HttpProblem(400, `digest "${digest.slice(0, 80)}" is not sha256:<64 hex>`);
  if (!tag && !digest) throw new HttpProblem(400, 'neither a tag nor a digest');
  return `${host}/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

async function queueOnce(
  ctx: ServerContext,
  req: FastifyRequest,
  key: string,
  ref: string,
  source: string,
  out: Outcome,
): Promise<void> {
  if (!(await ctx.store.firstDelivery(key))) {
    out.duplicates++;
    return;
  }
  const scan = await ctx.store.createScan(ref);
  await ctx.queue.enqueue({ scanId: scan.id, lockKey: lockKeyOf(ref) });
  await ctx.store.linkDelivery(key, scan.id);
  await ctx.store.audit({ actor: req.ip, action: `webhook.${source}`, resource: ref, result: `queued ${scan.id}` });
  out.queued.push(scan.id);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function registerVendorWebhookRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: Record<string, unknown> }>(
    '/webhooks/harbor',
    {
      schema: {
        summary: 'Harbor PUSH_ARTIFACT: each pushed artifact queues a scan (idempotent)',
        body: {
          type: 'object',
          required: ['type', 'event_data'],
          properties: {
            type: { type: 'string', maxLength: 64 },
            occur_at: { type: 'integer' },
            event_data: {
              type: 'object',
              required: ['resources'],
              properties: { resources: { type: 'array', maxItems: 100, items: { type: 'object' } } },
            },
          },
        },
        response: accepted,
      },
    },
    async (req, reply) => {
      const out: Outcome = { queued: [], duplicates: 0, ignored: 0 };
      const data = obj(req.body['event_data']);
      const resources = (data['resources'] as unknown[]).map(obj);
      if (req.body['type'] !== 'PUSH_ARTIFACT') {
        out.ignored = resources.length;
        return reply.code(202).send(out);
      }
      const repo = obj(data['repository']);
      const full = str(repo['repo_full_name']);
      // Check every artifact before queueing any: a bad one refuses the delivery whole.
      const refs = resources.map((r) => {
        const url = str(r['resource_url']) ?? '';
        const host = url.split('/')[0] ?? '';
        if (!full) throw new HttpProblem(400, 'event_data.repository.repo_full_name is missing');
        return checkedRef(host, full, str(r['tag']) || undefined, str(r['digest']));
      });
      for (const ref of refs)
        await queueOnce(ctx, req, deliveryKey('harbor', req.body['occur_at'], ref), ref, 'harbor', out);
      return reply.code(202).send(out);
    },
  );

  app.post<{ Body: Record<string, unknown>; Querystring: { secret?: string } }>(
    '/webhooks/dockerhub',
    {
      schema: {
        summary: "Docker Hub's push webhook (shared secret in ?secret=): queues a scan of the pushed tag",
        querystring: { type: 'object', properties: { secret: { type: 'string', maxLength: 256 } } },
        body: {
          type: 'object',
          required: ['push_data', 'repository'],
          properties: {
            push_data: {
              type: 'object',
              required: ['tag'],
              properties: { tag: { type: 'string', maxLength: 128 }, pushed_at: { type: 'number' } },
            },
            repository: {
              type: 'object',
              required: ['repo_name'],
              properties: { repo_name: { type: 'string', maxLength: 256 } },
            },
          },
        },
        response: accepted,
      },
      // The secret is checked before the body is even parsed.
      onRequest: async (req) => {
        const expected = ctx.opts.webhookSecrets?.dockerhub;
        if (!expected)
          throw new HttpProblem(404, 'Docker Hub webhooks are not enabled (webhooks.dockerhub_secret_env)');
        const given = req.query.secret ?? '';
        if (!sameSecret(given, expected)) {
          await refuseDelivery(
            ctx,
            req.ip,
            'dockerhub',
            'bad secret',
            'append ?secret=SECRET (the Docker Hub webhook secret) to the webhook URL',
          );
        }
      },
    },
    async (req, reply) => {
      const out: Outcome = { queued: [], duplicates: 0, ignored: 0 };
      const push = obj(req.body['push_data']);
      const name = str(obj(req.body['repository'])['repo_name']) ?? '';
      const repository = name.includes('/') ? name : `library/${name}`;
      const ref = checkedRef('docker.io', repository, str(push['tag']), undefined);
      await queueOnce(ctx, req, deliveryKey('dockerhub', ref, push['pushed_at']), ref, 'dockerhub', out);
      return reply.code(202).send(out);
    },
  );

  app.register(async (github) => {
    // The signature covers the raw bytes: keep them beside the parsed body.
    github.removeContentTypeParser('application/json');
    github.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: GITHUB_BODY_LIMIT },
      (req, body: Buffer, done) => {
        (req as FastifyRequest & { rawBody?: Buffer }).rawBody = body;
        try {
          done(null, JSON.parse(body.toString('utf8')));
        } catch {
          done(new HttpProblem(400, 'the body is not JSON'), undefined);
        }
      },
    );
    github.post<{ Body: Record<string, unknown> }>(
      '/webhooks/github',
      {
        bodyLimit: GITHUB_BODY_LIMIT,
        schema: {
          summary: 'GitHub package / registry_package events (HMAC-SHA256 signed): a published container queues a scan',
          body: { type: 'object' },
          response: accepted,
        },
        preValidation: async (req) => {
          const secret = ctx.opts.webhookSecrets?.github;
          if (!secret) throw new HttpProblem(404, 'GitHub webhooks are not enabled (webhooks.github_secret_env)');
          const raw = (req as FastifyRequest & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
          const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
          const given = String(req.headers['x-hub-signature-256'] ?? '');
          if (!sameSecret(given, expected)) {
            await refuseDelivery(
              ctx,
              req.ip,
              'github',
              'bad signature',
              'X-Hub-Signature-256 does not match: check the webhook secret',
            );
          }
        },
      },
      async (req, reply) => {
        const out: Outcome = { queued: [], duplicates: 0, ignored: 0 };
        const event = String(req.headers['x-github-event'] ?? '');
        const delivery = String(req.headers['x-github-delivery'] ?? '');
        const pkg = obj(event === 'registry_package' ? req.body['registry_package'] : req.body['package']);
        const action = str(req.body['action']);
        if (
          !['package', 'registry_package'].includes(event) ||
          !['published', 'updated'].includes(action ?? '') ||
          (str(pkg['package_type']) ?? '').toLowerCase() !== 'container'
        ) {
          out.ignored = 1;
          return reply.code(202).send(out);
        }
        if (!/^[A-Za-z0-9-]{1,64}$/.test(delivery)) throw new HttpProblem(400, 'X-GitHub-Delivery is missing');
        const version = obj(pkg['package_version']);
        const tagInfo = obj(obj(version['container_metadata'])['tag']);
        const owner = str(pkg['namespace']) ?? str(obj(pkg['owner'])['login']) ?? '';
        const name = str(pkg['name']) ?? '';
        const host = str(obj(pkg['registry'])['host']) ?? str(obj(req.body['registry'])['host']) ?? 'ghcr.io';
        const digest = str(tagInfo['digest']) ?? str(version['version']);
        const ref = checkedRef(
          host,
          `${owner}/${name}`.toLowerCase(),
          str(tagInfo['name']) || undefined,
          digest && DIGEST.test(digest) ? digest : undefined,
        );
        await queueOnce(ctx, req, `github:${delivery}`, ref, 'github', out);
        return reply.code(202).send(out);
      },
    );
  });
}
