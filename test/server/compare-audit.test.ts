/**
 * `GET /compare` between two really scanned images (the small bookworm image
 * and alpine), from the stored reports, and `GET /audit` paging through the
 * rows the scans and a refused request wrote.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../../src/server/main.js';
import { ensureDb } from '../support/db.js';
import { imageCache, imageForms } from '../support/images.js';
import { writeSmallBookwormImage } from '../support/small-image.js';
import { api, cacheWithDb, findingLines, serverOptions } from './support.js';

type JsonReport = Parameters<typeof findingLines>[0];
const alpine = imageForms(imageCache, 'alpine-amd64').dockerArchive;

test(
  'compare two stored images; page the audit trail',
  { skip: existsSync(alpine) ? false : `skipped: ${alpine} missing` },
  async () => {
    const db = ensureDb();
    if ('skip' in db) throw new Error(db.skip);
    const root = mkdtempSync(join(tmpdir(), 'customs-server-compare-'));
    const images = join(root, 'images');
    mkdirSync(images);
    const small = writeSmallBookwormImage(images);
    copyFileSync(alpine, join(images, 'alpine.tar'));
    const server = await startServer(
      serverOptions({
        database: `sqlite:${join(root, 'store.db')}`,
        cacheDir: cacheWithDb(root, db.cacheDir),
        allowLocalInput: images,
      }),
    );
    try {
      const c = api(server.url!);
      const digests: string[] = [];
      const findings: number[] = [];
      for (const target of [small, join(images, 'alpine.tar')]) {
        const { id } = (await (await c.post('/api/v1/scans', { image: target })).json()) as { id: string };
        const scan = await c.waitForScan(id);
        assert.equal(scan.status, 'done', scan.error);
        digests.push(scan.digest!);
        const report = (await (await c.get(`/api/v1/images/${scan.digest}?format=json`)).json()) as JsonReport;
        findings.push(new Set(findingLines(report).map((l) => l.split(' ').slice(0, 3).join(' '))).size);
      }
      const [from, to] = digests as [string, string];
      assert.ok(findings[0]! > 0, 'the small bookworm image has findings');

      type Cmp = { vulnerabilities: { introduced: unknown[]; fixed: unknown[]; persisting: number } };
      const cmp = (await (await c.get(`/api/v1/compare?from=${from}&to=${to}`)).json()) as Cmp;
      // Debian and Alpine share no package: everything of one is fixed, everything of the other introduced.
      assert.equal(cmp.vulnerabilities.fixed.length, findings[0]);
      assert.equal(cmp.vulnerabilities.introduced.length, findings[1]);
      assert.equal(cmp.vulnerabilities.persisting, 0);
      const same = (await (await c.get(`/api/v1/compare?from=${from}&to=${from}`)).json()) as Cmp;
      assert.deepEqual([same.vulnerabilities.introduced.length, same.vulnerabilities.fixed.length], [0, 0]);
      assert.equal(same.vulnerabilities.persisting, findings[0]);
      assert.equal((await c.get(`/api/v1/compare?from=${from}&to=sha256:${'0'.repeat(64)}`)).status, 404);
      assert.equal((await c.get(`/api/v1/compare?from=${from}`)).status, 400);
      assert.equal((await c.get(`/api/v1/compare?from=${from}&to=${to}`, null)).status, 401);

      type Audit = { items: { id: number; action: string; result: string }[]; next?: string };
      const all = (await (await c.get('/api/v1/audit')).json()) as Audit;
      const actions = all.items.map((r) => r.action);
      assert.ok(actions.includes('scan.request') && actions.includes('scan'), actions.join(','));
      assert.ok(all.items.some((r) => r.result === 'denied: no valid token'));
      assert.deepEqual(
        all.items.map((r) => r.id),
        [...all.items.map((r) => r.id)].sort((a, b) => b - a),
      );
      const first = (await (await c.get('/api/v1/audit?limit=2')).json()) as Audit;
      assert.equal(first.items.length, 2);
      const second = (await (await c.get(`/api/v1/audit?limit=2&cursor=${first.next}`)).json()) as Audit;
      assert.deepEqual(
        [...first.items, ...second.items].map((r) => r.id),
        all.items.slice(0, 4).map((r) => r.id),
      );
      assert.equal((await c.get('/api/v1/audit?limit=5000')).status, 400);
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
);
