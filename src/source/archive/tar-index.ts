/**
 * An index of a tar file's entries (name → data offset and size), built by
 * reading only the 512-byte headers with positional reads: a 1 GB image
 * archive is indexed without reading its layers. Handles ustar prefixes,
 * GNU long names and pax `path`/`size` records.
 */
import { open } from 'node:fs/promises';
import { UserError } from '../../util/errors.js';

export interface TarIndexEntry {
  offset: number;
  size: number;
  type: string;
}

const BLOCK = 512;
const MAX_ENTRIES = 100_000;
const MAX_META_BYTES = 1024 * 1024;

function cstr(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end < 0 || end > start + len ? start + len : end);
}

function octal(buf: Buffer, start: number, len: number): number {
  if (buf[start]! & 0x80) {
    // base-256 (GNU) for sizes over 8 GiB
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const s = cstr(buf, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function parsePax(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(' ', i);
    if (sp < 0) break;
    const len = parseInt(text.slice(i, sp), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = text.slice(sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

export async function indexTar(path: string, what: string): Promise<Map<string, TarIndexEntry>> {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const entries = new Map<string, TarIndexEntry>();
    const header = Buffer.alloc(BLOCK);
    let pos = 0;
    let longName: string | undefined;
    let pax: Record<string, string> = {};
    for (;;) {
      if (pos + BLOCK > fileSize)
        throw new UserError(`${what}: the archive is truncated (no end-of-archive marker)`, 're-create the archive');
      await fh.read(header, 0, BLOCK, pos);
      if (header.every((b) => b === 0)) break;
      const checksum = octal(header, 148, 8);
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
      if (sum !== checksum)
        throw new UserError(`${what}: not a tar archive, or corrupt at byte ${pos} (bad header checksum)`);
      const typeflag = String.fromCharCode(header[156]!);
      let size = octal(header, 124, 12);
      const dataStart = pos + BLOCK;
      const readMeta = async (): Promise<string> => {
        if (size > MAX_META_BYTES)
          throw new UserError(`${what}: tar metadata record of ${size} bytes at byte ${pos} is too large`);
        const b = Buffer.alloc(size);
        await fh.read(b, 0, size, dataStart);
        return b.toString('utf8');
      };
      if (typeflag === 'L') longName = (await readMeta()).replace(/\0+$/, '');
      else if (typeflag === 'x') pax = parsePax(await readMeta());
      else if (typeflag !== 'g') {
        const prefix =
          header.toString('latin1', 257, 263) === 'ustar\u000000' || header.toString('latin1', 257, 262) === 'ustar'
            ? cstr(header, 345, 155)
            : '';
        let name = pax['path'] ?? longName ?? (prefix ? `${prefix}/${cstr(header, 0, 100)}` : cstr(header, 0, 100));
        if (pax['size']) size = parseInt(pax['size'], 10);
        name = name.replace(/^\.\//, '');
        if (entries.size >= MAX_ENTRIES)
          throw new UserError(`${what}: more than ${MAX_ENTRIES} entries; not an image archive`);
        if (dataStart + size > fileSize)
          throw new UserError(
            `${what}: the archive is truncated (entry ${JSON.stringify(name.slice(0, 100))} runs past the end)`,
            're-create the archive',
          );
        entries.set(name, { offset: dataStart, size, type: typeflag });
        longName = undefined;
        pax = {};
      }
      pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    }
    return entries;
  } finally {
    await fh.close();
  }
}
