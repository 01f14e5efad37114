/** Images: the fleet with filters, one image's latest report in any format, its history, and who a vulnerability touches. */
import type { FastifyInstance } from 'fastify';
import { FORMATS, render, type FormatName } from '../../api/render.js';
import type { ScanOutcome } from '../../api/scan.js';
import type { ServerContext } from './context.js';
import { HttpProblem, problemSchema } from './problem.js';

const digestParam = {
  type: 'object',
  required: ['digest'],
  properties: { digest: { type: 'string', pattern: '^sha256:[a-f0-9]{64}$' } },
} as const;

const counts = {
  type: 'object',
  properties: Object.fromEntries(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'].map((s) => [s, { type: 'integer' }])),
} as const;

const imageSchema = {
  type: 'object',
  required: ['digest', 'registry', 'repository', 'tags', 'counts'],
  properties: {
    digest: { type: 'string' },
    registry: { type: 'string' },
    repository: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    lastScan: {
      type: 'object',
      nullable: true,
      properties: { id: { type: 'string' }, at: { type: 'string' } },
    },
    counts,
  },
} as const;

const change = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      vulnerability_id: { type: 'string' },
      pkg_name: { type: 'string' },
      installed_version: { type: 'string' },
    },
  },
} as const;

/** The media type each format is served as. */
const MEDIA: Record<FormatName, string> = {
  table: 'text/plain; charset=utf-8',
  json: 'application/json',
  cyclonedx: 'application/vnd.cyclonedx+json',
  'spdx-json': 'application/spdx+json',
  spdx: 'text/spdx; charset=utf-8',
  sarif: 'application/sarif+json',
  gitlab: 'application/json',
  junit: 'application/xml',
  openvex: 'application/json',
  html: 'text/html; charset=utf-8',
  asff: 'application/json',
  template: 'text/plain; charset=utf-8',
};

export function registerImageRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{
    Querystring: {
      registry?: string;
      repository?: string;
      severity?: string;
      kev?: boolean;
      fixable?: boolean;
      limit?: number;
      cursor?: string;
    };
  }>(
    '/images',
    {
      schema: {
        summary: 'Images scanned, with their latest counts; filters combine',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            registry: { type: 'string', maxLength: 256 },
            repository: { type: 'string', maxLength: 512 },
            severity: { type: 'string', enum: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] },
            kev: { type: 'boolean', description: 'only images with a finding in CISA KEV' },
            fixable: { type: 'boolean', description: 'only images with a finding that has a fixed version' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            cursor: { type: 'string', maxLength: 128, description: 'the `next` of the previous page' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: imageSchema }, next: { type: 'string' } },
          },
        },
      },
    },
    async (req) => {
      const q = req.query;
      return ctx.store.listImages({
        registry: q.registry,
        repository: q.repository,
        severity: q.severity,
        kev: q.kev,
        fixable: q.fixable,
        after: q.cursor,
        limit: q.limit ?? 100,
      });
    },
  );

  const report = async (
    digest: string,
    format: FormatName,
    reply: import('fastify').FastifyReply,
  ): Promise<import('fastify').FastifyReply> => {
    const image = await ctx.store.image(digest);
    if (!image?.lastScan) throw new HttpProblem(404, `no scanned image ${digest}`);
    const body = await ctx.store.report(image.lastScan.id);
    if (!body) throw new HttpProblem(404, `no report for ${digest}`);
    const stored = JSON.parse(body) as Pick<ScanOutcome, 'report' | 'eosl'>;
    const rendered = render({ ...stored, redact: [] }, format);
    return reply.type(MEDIA[format]).send(typeof rendered === 'string' ? rendered : [...rendered].join(''));
  };
  const formatQuery = {
    type: 'object',
    additionalProperties: false,
    properties: { format: { type: 'string', enum: FORMATS.filter((f) => f !== 'template'), default: 'json' } },
  } as const;
  for (const path of ['/images/:digest', '/images/:digest/report'])
    app.get<{ Params: { digest: string }; Querystring: { format?: FormatName } }>(
      path,
      {
        schema: {
          summary: "The image's latest report, in any format the CLI writes (default json)",
          params: digestParam,
          querystring: formatQuery,
          response: { 404: problemSchema },
        },
      },
      (req, reply) => report(req.params.digest, req.query.format ?? 'json', reply),
    );

  app.get<{ Params: { digest: string } }>(
    '/images/:digest/history',
    {
      schema: {
        summary: 'Every scan and re-match of the image, with counts and what each found new or no longer found',
        params: digestParam,
        response: {
          200: {
            type: 'object',
            properties: {
              digest: { type: 'string' },
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    scan: { type: 'object', additionalProperties: true },
                    counts,
                    new: change,
                    fixed: change,
                  },
                },
              },
            },
          },
          404: problemSchema,
        },
      },
    },
    async (req) => {
      const entries = await ctx.store.history(req.params.digest);
      if (!entries.length) throw new HttpProblem(404, `no scanned image ${req.params.digest}`);
      return { digest: req.params.digest, entries };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/vulnerabilities/:id',
    {
      schema: {
        summary: 'Every image whose latest findings include this vulnerability',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              images: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    digest: { type: 'string' },
                    registry: { type: 'string' },
                    repository: { type: 'string' },
                    tags: { type: 'array', items: { type: 'string' } },
                    pkgName: { type: 'string' },
                    installedVersion: { type: 'string' },
                    pkgPath: { type: 'string' },
                    fixedVersion: { type: 'string' },
                    severity: { type: 'string' },
                    kev: { type: 'boolean' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req) => ({ id: req.params.id, images: await ctx.store.affectedBy(req.params.id) }),
  );
}
