/**
 * The per-layer cache: a rescan whose layers are all cached opens no layer
 * blob; a new analyzer version re-walks only for that analyzer; entries are
 * written atomically and pruned least-recently-used.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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

function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

interface TestLayer {
  blob: Buffer;
  digest?: string;
  diffId: string;
}

async function textLayer(name: string, content: string): Promise<TestLayer> {
  const tar = await makeTar([{ name, content }]);
  const blob = gzipSync(tar);
  return { blob, digest: sha256(blob), diffId: sha256(tar) };
}

function imageOf(layers: TestLayer[], opens: { n: number }): Image {
  return {
    name: 'test',
    id: 'sha256:' + '0'.repeat(64),
    repoTags: [],
    repoDigests: [],
    config: {},
    layers: layers.map((l, index) => ({
      index,
      digest: l.digest ?? sha256(l.blob),
      diffId: l.diffId,
      createdBy: '',
      async open() {
        opens.n++;
        return Readable.from([l.blob]);
      },
    })),
    close: async () => {},
  };
}

async function image(opens: { n: number }): Promise<Image> {
  return imageOf([await textLayer('etc/a.txt', 'A'), await textLayer('etc/b.txt', 'B')], opens);
}

function cachedFiles(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'layers'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}

function analyzer(version: number, seen: string[]): Analyzer {
  return {
    name: 'txt',
    version,
    maxFileSize: 100,
    required: (p) => p.endsWith('.txt'),
    analyze: (f) => {
      seen.push(f.path);
      return { extra: { t: f.content.toString() } };
    },
  };
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
  const files = readdirSync(join(dir, 'layers'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 20);
  assert.ok(
    files.every((f) => /^[0-9a-f]{2}\/[0-9a-f]{64}\.json$/.test(f)),
    files.join(','),
  );
  const newest = cache.get<{ pad: string }>('key ../../etc/passwd 19');
  assert.ok(newest);
  cache.prune(5000);
  const left = readdirSync(join(dir, 'layers'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.json'));
  const total = left.reduce((a, f) => a + statSync(join(dir, 'layers', f)).size, 0);
  assert.ok(total <= 5000 && left.length > 0, `${left.length} entries, ${total} bytes`);
  assert.ok(cache.get('key ../../etc/passwd 19'), 'the most recently used entry survives');
});

test('a scan prunes only after it stored something: a rescan that only read leaves the cache as it is', () => {
  const dir = join(work, 'c3');
  const filler = new FileLayerCache(dir);
  for (let i = 0; i < 10; i++) filler.put(`k${i}`, { pad: 'x'.repeat(1000) });
  const count = () =>
    readdirSync(join(dir, 'layers'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json')).length;
  const reader = new FileLayerCache(dir);
  assert.ok(reader.get('k3'));
  reader.pruneIfWritten(3000);
  assert.equal(count(), 10, 'nothing was written, nothing pruned');
  reader.put('k10', { pad: 'y' });
  reader.pruneIfWritten(3000);
  assert.ok(count() <= 3, `${count()} entries left`);
  assert.ok(reader.get('k10'), 'the newest entry survives');
});

test('a layer whose content does not hash to its diff_id is refused, by name, and caches nothing', async () => {
  const dir = join(work, 'c4');
  const cache = new FileLayerCache(dir);
  const genuine = await textLayer('etc/a.txt', 'genuine');
  const harmless = await textLayer('etc/a.txt', 'harmless');
  const forged = imageOf([{ blob: harmless.blob, diffId: genuine.diffId }], { n: 0 });
  const opts = { analyzers: [analyzer(1, [])], cache, limits: defaultWalkLimits, parallel: 1, logger: silentLogger };
  await assert.rejects(collectLayerFacts(forged, opts), (e: Error) => {
    assert.match(e.message, /layer sha256:[0-9a-f]{64} \(#1 of test\): the diff_id does not match the layer's content/);
    assert.ok(e.message.includes(genuine.diffId) && e.message.includes(harmless.diffId), e.message);
    return true;
  });
  assert.deepEqual(cachedFiles(dir), [], 'nothing cached for the forged layer');
  // The genuine layer, scanned next with the same cache, is walked and reports its own content.
  const real = await collectLayerFacts(imageOf([genuine], { n: 0 }), opts);
  assert.deepEqual(real.stats, { walked: 1, cached: 0 });
  assert.deepEqual(
    real.facts[0]!.analyzers[0]!.files.map((f) => f.output),
    [{ extra: { t: 'genuine' } }],
  );
});

test('a forged layer claiming a cached diff_id misses the cache and is refused', async () => {
  const cache = new FileLayerCache(join(work, 'c5'));
  const genuine = await textLayer('etc/a.txt', 'genuine');
  const harmless = await textLayer('etc/a.txt', 'harmless');
  const opts = { analyzers: [analyzer(1, [])], cache, limits: defaultWalkLimits, parallel: 1, logger: silentLogger };
  await collectLayerFacts(imageOf([genuine], { n: 0 }), opts);
  const opens = { n: 0 };
  await assert.rejects(
    collectLayerFacts(imageOf([{ blob: harmless.blob, diffId: genuine.diffId }], opens), opts),
    /the diff_id does not match/,
  );
  assert.equal(opens.n, 1, "the forged blob was read, not answered from the genuine layer's entries");
});

test('an uncompressed layer is checked against its diff_id too, and a layer without one is never cached', async () => {
  const dir = join(work, 'c6');
  const cache = new FileLayerCache(dir);
  const tar = await makeTar([{ name: 'etc/a.txt', content: 'plain' }]);
  const other = sha256(await makeTar([{ name: 'etc/a.txt', content: 'other' }]));
  const opts = { analyzers: [analyzer(1, [])], cache, limits: defaultWalkLimits, parallel: 1, logger: silentLogger };
  await assert.rejects(
    collectLayerFacts(imageOf([{ blob: tar, diffId: other }], { n: 0 }), opts),
    /the diff_id does not match/,
  );
  const plain = await collectLayerFacts(imageOf([{ blob: tar, diffId: sha256(tar) }], { n: 0 }), opts);
  assert.deepEqual(plain.stats, { walked: 1, cached: 0 });
  const before = cachedFiles(dir).length;
  assert.ok(before > 0);
  const opens = { n: 0 };
  const rootfsLike = imageOf([{ blob: tar, digest: 'rootfs:/some/dir', diffId: 'rootfs:/some/dir' }], opens);
  await collectLayerFacts(rootfsLike, opts);
  await collectLayerFacts(rootfsLike, opts);
  assert.equal(opens.n, 2, 'walked every time');
  assert.equal(cachedFiles(dir).length, before, 'nothing cached without a diff_id');
});
