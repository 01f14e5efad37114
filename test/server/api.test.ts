/**
 * customs server through its HTTP API, on both stores: a scan requested with
 * POST runs on the queue, and `GET /images/{digest}` gives the findings
 * `customs image` gives for the same image and database; the fleet filters,
 * formats, history, vulnerability lookup, token, problem objects, metrics,
 * the OpenAPI document; and the record survives a restart.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../../src/server/main.js';
import { makeAjv } from '../../src/report/validate.js';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { imageCache, imageForms } from '../support/images.js';
import { writeSmallBookwormImage } from '../support/small-image.js';
import { openApi30Structure, schemaObjectSchema, unboundPathParameters } from './openapi-structure.js';
import { api, cacheWithDb, findingLines, serverOptions, startPostgres } from './support.js';

type JsonReport = Parameters<typeof findingLines>[0];

async function exercise(database: (root: string) => string): Promise<void> {
  const db = ensureDb();
  if ('skip' in db) throw new Error(db.skip);
  const root = mkdtempSync(join(tmpdir(), 'customs-server-api-'));
  try {
    const cache = cacheWithDb(root, db.cacheDir);
    const images = join(root, 'images');
    mkdirSync(images);
    const small = writeSmallBookwormImage(images);
    const alpine = imageForms(imageCache, 'alpine-amd64').dockerArchive;
    const alpineCopy = join(images, 'alpine.tar');
    if (existsSync(alpine)) copyFileSync(alpine, alpineCopy);
    symlinkSync('/etc/hostname', join(images, 'escape.tar'));
    const opts = serverOptions({ database: database(root), cacheDir: cache, allowLocalInput: images });
    let server = await startServer(opts);
    try {
      const c = api(server.url!);

      // The token guards everything but health checks; errors are problem objects.
      assert.equal((await c.get('/healthz', null)).status, 200);
      assert.equal((await c.get('/readyz', null)).status, 200);
      const denied = await c.get('/api/v1/images', null);
      assert.equal(denied.status, 401);
      assert.match(denied.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.equal(((await denied.json()) as { status: number }).status, 401);
      assert.equal((await c.get('/api/v1/images', 'wrong-token-wrong-token')).status, 401);
      assert.equal((await c.get('/metrics', null)).status, 401);

      // Bad requests are refused before anything is queued.
      for (const body of [{ image: 'a b' }, { image: '' }, { image: 'x', extra: 1 }, {}, { image: 'x'.repeat(2000) }])
        assert.equal((await c.post('/api/v1/scans', body)).status, 400, JSON.stringify(body).slice(0, 80));
      for (const image of [
        '/etc/passwd',
        `docker-archive:${join(images, 'escape.tar')}`,
        join(images, 'missing.tar'),
      ]) {
        const r = await c.post('/api/v1/scans', { image });
        assert.equal(r.status, 400, image);
        assert.match(((await r.json()) as { detail: string }).detail, /outside|no such file/);
      }

      // A scan: 202, queued, then done, with the CLI's findings.
      const targets = existsSync(alpine) ? [small, alpineCopy] : [small];
      const digests: string[] = [];
      for (const target of targets) {
        const posted = await c.post('/api/v1/scans', { image: target });
        assert.equal(posted.status, 202);
        const { id, status } = (await posted.json()) as { id: string; status: string };
        assert.equal(status, 'queued');
        const scan = await c.waitForScan(id);
        assert.equal(scan.status, 'done', scan.error);
        assert.match(scan.digest ?? '', /^sha256:[a-f0-9]{64}$/);
        digests.push(scan.digest!);
        const fromServer = (await (await c.get(`/api/v1/images/${scan.digest}?format=json`)).json()) as JsonReport;
        const cli = await runCli(
          ['image', '--input', target, '-f', 'json', '-q', '--skip-db-update', '--cache-dir', cache],
          {
            cwd: root,
          },
        );
        assert.equal(cli.code, 0, cli.stderr);
        assert.deepEqual(findingLines(fromServer), findingLines(JSON.parse(cli.stdout) as JsonReport), target);
        assert.deepEqual(
          findingLines((await (await c.get(`/api/v1/images/${scan.digest}/report`)).json()) as JsonReport),
          findingLines(fromServer),
        );
      }
      const smallDigest = digests[0]!;
      const smallReport = (await (await c.get(`/api/v1/images/${smallDigest}`)).json()) as JsonReport;
      const smallFindings = findingLines(smallReport);
      assert.ok(smallFindings.length > 0, 'the small image has known vulnerabilities');

      // Other formats go through the library's renderer.
      const cdx = await c.get(`/api/v1/images/${smallDigest}?format=cyclonedx`);
      assert.equal(cdx.status, 200);
      assert.equal(((await cdx.json()) as { bomFormat: string }).bomFormat, 'CycloneDX');
      const sarif = (await (await c.get(`/api/v1/images/${smallDigest}?format=sarif`)).json()) as { version: string };
      assert.equal(sarif.version, '2.1.0');
      const table = await (await c.get(`/api/v1/images/${smallDigest}?format=table`)).text();
      assert.match(table, /Total: \d+/);
      assert.equal((await c.get(`/api/v1/images/${smallDigest}?format=nope`)).status, 400);
      const missing = await c.get(`/api/v1/images/sha256:${'0'.repeat(64)}`);
      assert.equal(missing.status, 404);
      assert.equal((await c.get('/api/v1/images/not-a-digest')).status, 400);

      // The fleet: counts, filters, cursor pagination.
      const list = (await (await c.get('/api/v1/images')).json()) as {
        items: { digest: string; counts: Record<string, number>; tags: string[] }[];
      };
      assert.deepEqual(list.items.map((i) => i.digest).sort(), [...digests].sort());
      const smallItem = list.items.find((i) => i.digest === smallDigest)!;
      assert.equal(
        Object.values(smallItem.counts).reduce((a, b) => a + b, 0),
        smallFindings.length,
      );
      const severities = new Set(smallFindings.map((l) => l.split(' ')[3]));
      for (const sev of ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']) {
        const r = (await (await c.get(`/api/v1/images?severity=${sev}`)).json()) as { items: { digest: string }[] };
        assert.equal(
          r.items.some((i) => i.digest === smallDigest),
          severities.has(sev),
          sev,
        );
      }
      const fixable = (await (await c.get('/api/v1/images?fixable=true')).json()) as { items: { digest: string }[] };
      assert.equal(
        fixable.items.some((i) => i.digest === smallDigest),
        smallFindings.some((l) => l.split(' ')[4] !== ''),
      );
      const none = (await (await c.get('/api/v1/images?registry=registry.invalid')).json()) as { items: unknown[] };
      assert.equal(none.items.length, 0);
      if (digests.length > 1) {
        const page1 = (await (await c.get('/api/v1/images?limit=1')).json()) as {
          items: { digest: string }[];
          next?: string;
        };
        assert.equal(page1.items.length, 1);
        assert.ok(page1.next);
        const page2 = (await (await c.get(`/api/v1/images?limit=1&cursor=${page1.next}`)).json()) as {
          items: { digest: string }[];
          next?: string;
        };
        assert.equal(page2.items.length, 1);
        assert.notEqual(page2.items[0]!.digest, page1.items[0]!.digest);
        assert.equal(page2.next, undefined);
      }

      // One vulnerability → every image it touches; the history of one image.
      const vulnId = smallFindings[0]!.split(' ')[2]!;
      const affected = (await (await c.get(`/api/v1/vulnerabilities/${vulnId}`)).json()) as {
        images: { digest: string }[];
      };
      assert.ok(affected.images.some((i) => i.digest === smallDigest));
      const nobody = (await (await c.get('/api/v1/vulnerabilities/CVE-1900-0001')).json()) as { images: unknown[] };
      assert.equal(nobody.images.length, 0);
      const history = (await (await c.get(`/api/v1/images/${smallDigest}/history`)).json()) as { entries: unknown[] };
      assert.equal(history.entries.length, 1);

      // Metrics: Prometheus text with the scans done and the findings by severity.
      const metrics = await (await c.get('/metrics')).text();
      assert.match(metrics, new RegExp(`^customs_scans_total\\{outcome="done",kind="scan"\\} ${digests.length}$`, 'm'));
      assert.match(metrics, /^customs_queue_depth 0$/m);
      const total = [...metrics.matchAll(/^customs_findings\{severity="[A-Z]+"\} (\d+)$/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
      assert.ok(total >= smallFindings.length);

      // The OpenAPI 3 document, generated from the route schemas.
      const doc = (await (await c.get('/api/v1/openapi.json')).json()) as Parameters<
        typeof unboundPathParameters
      >[0] & {
        openapi: string;
      };
      const ajv = makeAjv();
      ajv.addSchema(schemaObjectSchema);
      const validate = ajv.compile(openApi30Structure);
      assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5)));
      assert.deepEqual(unboundPathParameters(doc), []);
      for (const path of [
        '/api/v1/scans',
        '/api/v1/scans/{id}',
        '/api/v1/images',
        '/api/v1/images/{digest}',
        '/api/v1/images/{digest}/history',
        '/api/v1/vulnerabilities/{id}',
      ])
        assert.ok(path in doc.paths, path);

      // One server per SQLite store: a second is refused, naming the first.
      if (opts.database.startsWith('sqlite:'))
        await assert.rejects(
          startServer({ ...opts, listen: { host: '127.0.0.1', port: 0 } }),
          /another customs server \(pid/,
        );

      // Restart on the same store: the record is still there.
      await server.close();
      server = await startServer(opts);
      const again = api(server.url!);
      const after = (await (await again.get('/api/v1/images')).json()) as { items: { digest: string }[] };
      assert.deepEqual(after.items.map((i) => i.digest).sort(), [...digests].sort());
      assert.deepEqual(
        findingLines((await (await again.get(`/api/v1/images/${smallDigest}`)).json()) as JsonReport),
        smallFindings,
      );
    } finally {
      await server.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('server on SQLite: scan through the API, same findings as the CLI, fleet queries', async (t) => {
  if ('skip' in ensureDb()) return t.skip((ensureDb() as { skip: string }).skip);
  await exercise((root) => `sqlite:${join(root, 'store.db')}`);
});

test('server on PostgreSQL: the same API over the same queries', async (t) => {
  if ('skip' in ensureDb()) return t.skip((ensureDb() as { skip: string }).skip);
  const pg = await startPostgres();
  if ('skip' in pg) return t.skip(pg.skip);
  try {
    await exercise(() => pg.url);
  } finally {
    pg.stop();
  }
});
