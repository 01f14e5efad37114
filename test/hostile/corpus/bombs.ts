/**
 * Compression bombs, made without ever holding the expanded bytes: a gzip
 * stream fed zeros chunk by chunk (deflate tops out near 1030:1), and a zstd
 * frame of RLE blocks (RFC 8878 §3.1.1.2: 4 bytes expand to 128 KiB), both
 * wrapping a tar whose one file is all zeros. The diffID is hashed as the
 * bytes are made.
 */
import { createHash } from 'node:crypto';
import { createGzip } from 'node:zlib';
import { tarEnd, tarHeader } from './tar-writer.js';

export interface BombLayer {
  blob: Buffer;
  diffId: string;
  expandedBytes: number;
}

const MiB = 1024 * 1024;

export async function gzipBomb(expandedMiB: number, fileName = 'zeros.bin'): Promise<BombLayer> {
  const diff = createHash('sha256');
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    gz.on('end', resolve);
    gz.on('error', reject);
  });
  const write = async (b: Buffer): Promise<void> => {
    diff.update(b);
    if (!gz.write(b)) await new Promise((r) => gz.once('drain', r));
  };
  await write(tarHeader(Buffer.from(fileName), '0', expandedMiB * MiB));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < expandedMiB; i++) await write(zeros);
  await write(tarEnd());
  gz.end();
  await done;
  return { blob: Buffer.concat(out), diffId: `sha256:${diff.digest('hex')}`, expandedBytes: expandedMiB * MiB + 1536 };
}

const ZSTD_MAGIC = 0xfd2fb528;
const RLE_MAX = 128 * 1024;

function blockHeader(last: boolean, type: 0 | 1, size: number): Buffer {
  const v = (last ? 1 : 0) | (type << 1) | (size << 3);
  return Buffer.from([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]);
}

export function zstdBomb(expandedMiB: number, fileName = 'zeros.bin'): BombLayer {
  const header = tarHeader(Buffer.from(fileName), '0', expandedMiB * MiB);
  const end = tarEnd();
  const diff = createHash('sha256').update(header);
  const parts: Buffer[] = [];
  const magic = Buffer.alloc(4);
  magic.writeUInt32LE(ZSTD_MAGIC, 0);
  // Frame header descriptor 0 (no content size, no checksum), window descriptor 0x58 = 8 MiB window.
  parts.push(magic, Buffer.from([0x00, 0x58]), blockHeader(false, 0, header.length), header);
  const zeroChunk = Buffer.alloc(RLE_MAX);
  for (let left = expandedMiB * MiB; left > 0; left -= RLE_MAX) {
    const n = Math.min(RLE_MAX, left);
    parts.push(blockHeader(false, 1, n), Buffer.from([0]));
    diff.update(n === RLE_MAX ? zeroChunk : zeroChunk.subarray(0, n));
  }
  diff.update(end);
  parts.push(blockHeader(true, 0, end.length), end);
  return {
    blob: Buffer.concat(parts),
    diffId: `sha256:${diff.digest('hex')}`,
    expandedBytes: expandedMiB * MiB + header.length + end.length,
  };
}
