/**
 * The layer walk releases buffers it is done with (src/util/early-release.ts),
 * but only where `gc` is exposed, as bin/customs does. This file exposes it
 * before it loads the walk, then checks that no buffer is released while a
 * reader still needs it (every file reaches the analyzer whole), and that
 * buffers are released: read chunks, inflated blocks and file contents.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { Analyzer } from '../../src/analyzer/types.js';
import { makeTar, type TarEntry } from '../support/tar.js';

setFlagsFromString('--expose-gc');
(globalThis as { gc?: unknown }).gc = runInNewContext('gc');
const { openTarStream } = await import('../../src/layer/decompress.js');
const { defaultWalkLimits } = await import('../../src/layer/limits.js');
const { walkLayer } = await import('../../src/layer/walk.js');
const { readFileChunks } = await import('../../src/util/file-chunks.js');

/** Deterministic bytes that gzip cannot shrink much, so the compressed layer spans several read chunks. */
function noise(seed: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('buffers are released once used, never before: every file arrives whole', async () => {
  const entries: TarEntry[] = [];
  const expected = new Map<string, string>();
  const add = (name: string, content: Buffer): void => {
    entries.push({ name, content });
    expected.set(name, sha(content));
  };
  for (let i = 0; i < 300; i++) add(`small/${i}.want`, Buffer.from(`file ${i}\n`.repeat(1 + (i % 50))));
  entries.push({ name: 'links/0.want', type: 'link', linkname: 'small/299.want' }); // a hardlink reads kept content
  expected.set('links/0.want', expected.get('small/299.want')!);
  for (let i = 0; i < 24; i++) add(`noise/${i}.want`, noise(i + 1, 200_000 + i * 1_000));
  for (let i = 0; i < 3; i++) add(`big/${i}.want`, noise(100 + i, 1_500_000)); // over the 1 MiB kept for hardlinks
  for (let i = 0; i < 50; i++) entries.push({ name: `skipped/${i}.bin`, content: noise(500 + i, 20_000) });
  const dir = mkdtempSync(join(tmpdir(), 'customs-release-'));
  try {
    const layer = join(dir, 'layer.tar.gz');
    writeFileSync(layer, gzipSync(await makeTar(entries), { level: 1 }));

    const got = new Map<string, string>();
    const bigContents: Buffer[] = [];
    const analyzer: Analyzer = {
      name: 'hash',
      version: 1,
      maxFileSize: 4 * 1024 * 1024,
      required: (p) => p.endsWith('.want'),
      async analyze(f) {
        await new Promise((resolve) => setImmediate(resolve)); // an analyzer that yields, as real ones do
        got.set(f.path, sha(f.content));
        if (f.path.startsWith('big/')) bigContents.push(f.content);
        return undefined;
      },
    };

    const clone = globalThis.structuredClone;
    let transfers = 0;
    globalThis.structuredClone = (value: unknown, options?: StructuredSerializeOptions) => {
      if (options?.transfer?.length) transfers++;
      return clone(value, options);
    };
    try {
      const tar = await openTarStream(readFileChunks(layer), defaultWalkLimits, 'release test');
      const facts = await walkLayer(tar, {
        analyzers: [analyzer],
        limits: defaultWalkLimits,
        layerName: 'release test',
      });
      assert.deepEqual(
        facts.analyzers[0]!.files.flatMap((f) => f.warnings ?? []),
        [],
      );
    } finally {
      globalThis.structuredClone = clone;
    }

    assert.equal(got.size, expected.size);
    for (const [path, hash] of expected) assert.equal(got.get(path), hash, path);
    // Released memory leaves an empty buffer behind: the big files were handed back after analysis.
    assert.equal(bigContents.length, 3);
    for (const c of bigContents) assert.equal(c.length, 0);
    // ~10 MiB of tar in 128 KiB blocks, the compressed file in 1 MiB chunks, and the contents read.
    assert.ok(transfers > 80, `only ${transfers} buffers released`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
