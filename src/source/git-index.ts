/**
 * The paths a git checkout tracks, from its index (`.git/index`, versions
 * 2 to 4), read without running git. Git never ignores a tracked file, so a
 * `.gitignore` rule does not hide one: a repository cannot keep its own
 * files out of a scan with `*` in its .gitignore. Bounded in size and count;
 * an index that cannot be read gives no set (the rules then apply as written).
 */
import { readSmallFileNoFollow } from '../util/read-no-follow.js';
import { join } from 'node:path';
import { gitDirsOf } from './git-repo.js';

const MAX_INDEX_BYTES = 256 * 1024 * 1024;
const MAX_ENTRIES = 4_000_000;

export interface TrackedPaths {
  files: Set<string>;
  /** Every directory holding a tracked file, at any depth. */
  dirs: Set<string>;
}

/** Parses an index; undefined when it is not one this reader understands. `hashBytes`: 20 (SHA-1) or 32 (SHA-256). */
export function parseIndex(buf: Buffer, hashBytes: number): string[] | undefined {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = buf.readUInt32BE(4);
  const count = buf.readUInt32BE(8);
  if (version < 2 || version > 4 || count > MAX_ENTRIES) return undefined;
  const paths: string[] = [];
  let at = 12;
  let previous = '';
  for (let i = 0; i < count; i++) {
    const start = at;
    const flagsAt = at + 40 + hashBytes;
    if (flagsAt + 2 > buf.length) return undefined;
    const flags = buf.readUInt16BE(flagsAt);
    at = flagsAt + 2;
    if (flags & 0x4000) {
      if (version < 3) return undefined;
      at += 2;
    }
    let path: string;
    if (version === 4) {
      // The path is the previous one less N trailing bytes, then a NUL-terminated suffix.
      let strip = 0;
      let byte: number;
      do {
        if (at >= buf.length) return undefined;
        byte = buf[at++]!;
        strip = (strip << 7) | (byte & 0x7f);
        if (byte & 0x80) strip++;
        if (strip > 1 << 20) return undefined;
      } while (byte & 0x80);
      const end = buf.indexOf(0, at);
      if (end < 0) return undefined;
      const prev = Buffer.from(previous, 'utf8');
      if (strip > prev.length) return undefined;
      path = Buffer.concat([prev.subarray(0, prev.length - strip), buf.subarray(at, end)]).toString('utf8');
      at = end + 1;
    } else {
      const end = buf.indexOf(0, at);
      if (end < 0) return undefined;
      path = buf.toString('utf8', at, end);
      at = start + Math.ceil((end + 1 - start) / 8) * 8; // NUL-padded to a multiple of 8 bytes
    }
    previous = path;
    paths.push(path);
  }
  return paths;
}

/** The tracked paths of the checkout at `root`, or undefined when it has no readable index. */
export async function readTrackedPaths(root: string): Promise<TrackedPaths | undefined> {
  const dirs = await gitDirsOf(root);
  if (!dirs) return undefined;
  const index = await readSmallFileNoFollow(join(dirs.gitDir, 'index'), MAX_INDEX_BYTES);
  if (!index) return undefined;
  const config = (await readSmallFileNoFollow(join(dirs.commonDir, 'config'), 64 * 1024))?.toString('utf8') ?? '';
  const sha256 = /^\s*objectformat\s*=\s*sha256\s*$/im.test(config);
  const paths = parseIndex(index, sha256 ? 32 : 20);
  if (!paths) return undefined;
  const tracked: TrackedPaths = { files: new Set(paths), dirs: new Set() };
  for (const p of paths)
    for (let slash = p.indexOf('/'); slash > 0; slash = p.indexOf('/', slash + 1)) tracked.dirs.add(p.slice(0, slash));
  return tracked;
}
