/**
 * The per-layer cache: a rescan whose layers are all cached opens no layer
 * blob; a new analyzer version re-walks only for that analyzer; entries are
 * written atomically and pruned least-recently-used.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Analyzer } from '../../src/analyzer/types.js';
import { FileLayerCache } from '../../src/artifact/layer-cache.js';
import { defaultWalkLimits } from '../../src/layer/limits.js';
import { collectLayerFacts } from '../../src/scanner/layers.js';
import type { Image } from '../../src/source/image.js';
import { silentLogger } from '../../src/util/log.js';
import { makeTar } from '../support/tar.js';

const work = mkdtempSync(join(tmpdir(), 'customs-cache-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function image(opens: { n: number }): Promise<Image> {
  const blobs = [gzipSync(await makeTar([{ name: 'etc/a.txt', content: 'A' }])), gzipSync(await makeTar([{ name: 'etc/b.txt', content: 'B' }]))];
  return {
    name: 'test', id: 'sha256:' + '0'.repeat(64), repoTags: [], repoDigests: [], config: {},
    layers: blobs.map((b, index) => ({
      index, digest: `sha256:${String(index + 1).repeat(64)}`, diffId: `sha256:${String(index + 5).repeat(64)}`, createdBy: '',
      async open() { opens.n++; return Readable.from([b]); },
    })),
    close: async () => {},
  };
}

function analyzer(version: number, seen: string[]): Analyzer {
  return { name: 'txt', version, maxFileSize: 100, required: (p) => p.endsWith('.txt'), analyze: (f) => { seen.push(f.path); return { extra: { t: f.content.toString() } }; } };
}

test('a fully cached rescan opens no layer blob; a new analyzer version re-walks', async () => {
  const cache = new FileLayerCache(join(work, 'c1'));
  const opens = { n: 0 };
  const seen: string[] = [];
  const img = await image(opens);
  const opts = { analyzers: [analyzer(1, seen)], cache, limits: defaultWalkLimits, parallel: 2, logger: silentLogger };
  const first = await collectLayerFacts(img, opts);
  assert.deepEqual(first.stats, { walked: 2, cached: 0 });
  assert.equal(opens.n, 2);
  const second = await collectLayerFacts(img, opts);
  assert.deepEqual(second.stats, { walked: 0, cached: 2 });
  assert.equal(opens.n, 2, 'no blob opened on the warm rescan');
  assert.deepEqual(second.facts, first.facts);
  const third = await collectLayerFacts(img, { ...opts, analyzers: [analyzer(2, seen)] });
  assert.deepEqual(third.stats, { walked: 2, cached: 0 });
  assert.deepEqual(seen.sort(), ['etc/a.txt', 'etc/a.txt', 'etc/b.txt', 'etc/b.txt']);
});

test('the cache holds no path from the image, and pruning keeps the newest entries under the bound', async () => {
  const dir = join(work, 'c2');
  const cache = new FileLayerCache(dir);
  for (let i = 0; i < 20; i++) cache.put(`key ../../etc/passwd ${i}`, { pad: 'x'.repeat(1000) });
  const files = readdirSync(join(dir, 'layers'), { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 20);
  assert.ok(files.every((f) => /^[0-9a-f]{2}\/[0-9a-f]{64}\.json$/.test(f)), files.join(','));
  const newest = cache.get<{ pad: string }>('key ../../etc/passwd 19');
  assert.ok(newest);
  cache.prune(5000);
  const left = readdirSync(join(dir, 'layers'), { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
  const total = left.reduce((a, f) => a + statSync(join(dir, 'layers', f)).size, 0);
  assert.ok(total <= 5000 && left.length > 0, `${left.length} entries, ${total} bytes`);
  assert.ok(cache.get('key ../../etc/passwd 19'), 'the most recently used entry survives');
});

test('a scan prunes only after it stored something: a rescan that only read leaves the cache as it is', () => {
  const dir = join(work, 'c3');
  const filler = new FileLayerCache(dir);
  for (let i = 0; i < 10; i++) filler.put(`k${i}`, { pad: 'x'.repeat(1000) });
  const count = () => readdirSync(join(dir, 'layers'), { recursive: true }).map(String).filter((f) => f.endsWith('.json')).length;
  const reader = new FileLayerCache(dir);
  assert.ok(reader.get('k3'));
  reader.pruneIfWritten(3000);
  assert.equal(count(), 10, 'nothing was written, nothing pruned');
  reader.put('k10', { pad: 'y' });
  reader.pruneIfWritten(3000);
  assert.ok(count() <= 3, `${count()} entries left`);
  assert.ok(reader.get('k10'), 'the newest entry survives');
});
