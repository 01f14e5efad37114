import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Analyzer } from '../../src/analyzer/types.js';
import { openTarStream } from '../../src/layer/decompress.js';
import { defaultWalkLimits } from '../../src/layer/limits.js';
import { pathSkipper } from '../../src/layer/path-skip.js';
import { walkLayer } from '../../src/layer/walk.js';
import { LimitError } from '../../src/util/errors.js';
import { fixture } from '../support/paths.js';
import { makeTar } from '../support/tar.js';

/** Records what it was given; wants files whose path ends with `.want`. */
function recorder(maxFileSize = 1024): Analyzer & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'rec',
    version: 1,
    maxFileSize,
    seen,
    required: (p) => p.endsWith('.want'),
    analyze(f) {
      seen.push(`${f.path}=${f.content.toString()}`);
      return { extra: { text: f.content.toString() } };
    },
  };
}

async function walk(buf: Buffer, analyzers: Analyzer[], limits = defaultWalkLimits) {
  const tar = await openTarStream(Readable.from([buf]), limits, 'layer test');
  return walkLayer(tar, { analyzers, limits, layerName: 'layer test' });
}

test('only wanted files are read, paths are normalised', async () => {
  const a = recorder();
  const tar = await makeTar([
    { name: './etc/', type: 'directory' },
    { name: './etc/a.want', content: 'A' },
    { name: 'etc/b.skip', content: 'B' },
    { name: '/usr/x/../c.want', content: 'C' },
  ]);
  const facts = await walk(tar, [a]);
  assert.deepEqual(a.seen, ['etc/a.want=A', 'usr/c.want=C']);
  assert.equal(facts.structure.entries, 4);
  assert.deepEqual(
    facts.analyzers[0]!.files.map((f) => f.path),
    ['etc/a.want', 'usr/c.want'],
  );
});

test('whiteouts, opaque dirs, symlinks and setuid files are recorded', async () => {
  const tar = await makeTar([
    { name: 'app/.wh.old.want', content: '' },
    { name: 'cache/.wh..wh..opq', content: '' },
    { name: 'lib/link', type: 'symlink', linkname: '/etc' },
    { name: 'usr/bin/su', content: 'x', mode: 0o4755 },
  ]);
  const facts = await walk(tar, [recorder()]);
  assert.deepEqual(facts.structure.whiteouts, ['app/old.want']);
  assert.deepEqual(facts.structure.opaqueDirs, ['cache']);
  assert.deepEqual(facts.structure.symlinks, { 'lib/link': '/etc' });
  assert.deepEqual(facts.structure.setidFiles, [{ path: 'usr/bin/su', mode: 0o4755 }]);
  assert.deepEqual(facts.analyzers[0]!.files, [], 'whiteout markers are never analysed');
});

test('entries climbing above the root are skipped with a warning', async () => {
  const a = recorder();
  const facts = await walk(
    await makeTar([
      { name: '../../evil.want', content: 'x' },
      { name: 'ok.want', content: 'y' },
    ]),
    [a],
  );
  assert.deepEqual(a.seen, ['ok.want=y']);
  assert.match(facts.structure.warnings[0]!, /evil\.want.*climbs above the image root/);
});

test('files over an analyzer cap are skipped with a warning naming the cap', async () => {
  const a = recorder(4);
  const facts = await walk(await makeTar([{ name: 'big.want', content: '0123456789' }]), [a]);
  assert.deepEqual(a.seen, []);
  assert.match(
    facts.analyzers[0]!.files[0]!.warnings![0]!,
    /big\.want: 10 bytes exceeds the rec analyzer's size cap \(4\)/,
  );
});

test('a hardlink to a wanted file is analysed with the target content', async () => {
  const a = recorder();
  await walk(
    await makeTar([
      { name: 'a.want', content: 'T' },
      { name: 'b.want', type: 'link', linkname: 'a.want' },
    ]),
    [a],
  );
  assert.deepEqual(a.seen, ['a.want=T', 'b.want=T']);
});

test('contents kept for hardlinks are bounded: a link to a file read 4 MiB earlier is reported, not analysed', async () => {
  const a = recorder(2 * 1024 * 1024);
  const mib = Buffer.alloc(1024 * 1024, 0x61);
  const facts = await walk(
    await makeTar([
      { name: 'old.want', content: 'O' },
      ...[1, 2, 3, 4].map((i) => ({ name: `filler${i}.want`, content: mib })),
      { name: 'recent.want', content: 'R' },
      { name: 'link-to-old.want', type: 'link' as const, linkname: 'old.want' },
      { name: 'link-to-recent.want', type: 'link' as const, linkname: 'recent.want' },
    ]),
    [a],
  );
  assert.ok(a.seen.includes('link-to-recent.want=R'));
  assert.ok(!a.seen.some((s) => s.startsWith('link-to-old.want')));
  assert.ok(
    facts.structure.warnings.some((w) =>
      /link-to-old\.want is a hardlink to old\.want, whose content was not kept/.test(w),
    ),
    facts.structure.warnings.join('\n'),
  );
});

test('an analyzer that throws costs a warning, not the scan', async () => {
  const bad: Analyzer = {
    name: 'bad',
    version: 1,
    maxFileSize: 100,
    required: () => true,
    analyze() {
      throw new Error('boom');
    },
  };
  const a = recorder();
  const facts = await walk(await makeTar([{ name: 'x.want', content: '1' }]), [bad, a]);
  assert.match(facts.analyzers[0]!.files[0]!.warnings![0]!, /x\.want: bad analyzer failed: boom/);
  assert.deepEqual(a.seen, ['x.want=1']);
});

test('gzip and zstd layers are told by magic bytes', async () => {
  const a = recorder();
  await walk(gzipSync(await makeTar([{ name: 'g.want', content: 'gz' }])), [a]);
  // test/fixtures/layer/hello.tar.zst: made with GNU tar + zstd 1.5.4 (see SOURCE.md)
  await walk(readFileSync(fixture('layer', 'hello.tar.zst')), [a]);
  assert.deepEqual(a.seen, ['g.want=gz', 'hello/greeting.want=hello from zstd\n']);
});

test('a gzip bomb stops at the ratio limit with a message naming it', async () => {
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  const bomb = gzipSync(await makeTar([{ name: 'zeros', content: zeros }]), { level: 9 });
  const limits = { ...defaultWalkLimits, ratioGraceBytes: 1024 * 1024, maxCompressionRatio: 50 };
  await assert.rejects(
    walk(bomb, [recorder()], limits),
    (e: unknown) => e instanceof LimitError && /compression ratio \d+:1.*max compression ratio \(50\)/.test(e.message),
  );
});

test('a truncated gzip layer is an error naming the layer', async () => {
  const gz = gzipSync(await makeTar([{ name: 'a.want', content: 'x'.repeat(5000) }]));
  await assert.rejects(
    walk(gz.subarray(0, gz.length - 40), [recorder(10_000)]),
    /layer test: gzip stream is corrupt or truncated|unexpected end|truncated/i,
  );
});

test('--skip-dirs / --skip-files in an image layer: skipped files are offered to no analyzer, links too', async () => {
  const a = recorder();
  const tar = await makeTar([
    { name: 'app/a.want', content: 'A' },
    { name: 'app/test/fixture.want', content: 'F' },
    { name: 'app/test/deep/x.want', content: 'X' },
    { name: 'etc/b.want', content: 'B' },
    { name: 'etc/b2.want', type: 'link', linkname: 'etc/b.want' },
  ]);
  const limits = defaultWalkLimits;
  const stream = await openTarStream(Readable.from([tar]), limits, 'layer test');
  await walkLayer(stream, {
    analyzers: [a],
    limits,
    layerName: 'layer test',
    skip: pathSkipper(['**/test'], ['/etc/b*.want']),
  });
  assert.deepEqual(a.seen, ['app/a.want=A']);
});
