/**
 * The HTTP API: fastify, versioned under /api/v1, every route declared with
 * its JSON schemas, from which @fastify/swagger generates the OpenAPI 3
 * document at /api/v1/openapi.json. A token guards everything except the
 * health checks; every error is a problem object.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { toolVersion } from '../../util/tool-version.js';
import { tokenMatches } from './auth.js';
import type { ServerContext } from './context.js';
import { HttpProblem, sendProblem } from './problem.js';
import { registerCompareAuditRoutes } from './routes-compare-audit.js';
import { registerHealthRoutes } from './routes-health.js';
import { registerImageRoutes } from './routes-images.js';
import { registerScanRoutes } from './routes-scans.js';
import { registerWebhookRoutes } from './routes-webhooks.js';
import { SELF_VERIFIED_WEBHOOKS, registerVendorWebhookRoutes } from './routes-webhooks-vendors.js';

// Docker Hub and GitHub cannot send the token: those routes check their own secret or signature.
const UNGUARDED = new Set(['/healthz', '/readyz', ...SELF_VERIFIED_WEBHOOKS]);

export async function buildApp(ctx: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 512 },
    // An unknown field is refused, not silently dropped: a typo in a request must not pass for a request.
    ajv: { customOptions: { removeAdditional: false } },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'customs server',
        version: toolVersion(),
        description: 'Continuous image scanning: scans, images, findings',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (!ctx.opts.token || UNGUARDED.has(path)) return;
    if (!tokenMatches(req.headers.authorization, ctx.opts.token)) {
      await ctx.store
        .audit({ actor: req.ip, action: `${req.method} ${path}`, resource: path, result: 'denied: no valid token' })
        .catch(() => {});
      return sendProblem(reply, 401, 'send Authorization: Bearer TOKEN with the server token');
    }
  });
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, _req, reply) => {
    if (err instanceof HttpProblem) return sendProblem(reply, err.status, err.message);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) ctx.opts.logger.warn(`API error: ${err.message}`);
    return sendProblem(reply, status, status === 500 ? 'the server failed; see its log' : err.message);
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`));
  registerHealthRoutes(app, ctx);
  await app.register(
    async (v1) => {
      registerScanRoutes(v1, ctx);
      registerImageRoutes(v1, ctx);
      registerWebhookRoutes(v1, ctx);
      registerVendorWebhookRoutes(v1, ctx);
      registerCompareAuditRoutes(v1, ctx);
      v1.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
  return app;
}
