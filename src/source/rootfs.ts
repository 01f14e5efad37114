/**
 * An unpacked filesystem as a one-layer image: its layer is a tar stream of
 * the directory, produced on demand. Symlinks are recorded, never followed,
 * so a link pointing at the host's /etc stays a link.
 */
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pack, type Pack } from 'tar-stream';
import type { Image } from './image.js';
import { UserError } from '../util/errors.js';

const MAX_DEPTH = 256;

async function addEntry(p: Pack, root: string, path: string, st: Stats): Promise<void> {
  const name = relative(root, path);
  const base = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
  if (st.isDirectory()) {
    p.entry({ ...base, type: 'directory' });
    return;
  }
  if (!st.isFile()) return;
  await new Promise<void>((resolve, reject) => {
    const entry = p.entry({ ...base, type: 'file', size: st.size }, (e) => (e ? reject(e) : resolve()));
    const rs = createReadStream(path);
    rs.on('error', (e) => entry.destroy(e));
    rs.pipe(entry);
  });
}

async function walk(p: Pack, root: string, dir: string, depth: number): Promise<void> {
  if (depth > MAX_DEPTH) return;
  const names = (await readdir(dir)).sort();
  for (const n of names) {
    const path = join(dir, n);
    let st: Stats;
    try {
      st = await lstat(path);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) {
      const target = await readlink(path).catch(() => '');
      await new Promise<void>((res, rej) =>
        p.entry({ name: relative(root, path), type: 'symlink', linkname: target, mode: 0o777 }, '', (e) =>
          e ? rej(e) : res(),
        ),
      );
      continue;
    }
    await addEntry(p, root, path, st);
    if (st.isDirectory()) await walk(p, root, path, depth + 1);
  }
}

export async function openRootfs(dir: string): Promise<Image> {
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await lstat(root)).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new UserError(`${dir}: cannot scan: ${(e as Error).message}`, 'give the path of an unpacked root filesystem');
  }
  const id = `rootfs:${root}`;
  return {
    name: dir,
    id,
    repoTags: [],
    repoDigests: [],
    config: { rootfs: { type: 'layers', diff_ids: [id] }, history: [] },
    layers: [
      {
        index: 0,
        digest: id,
        diffId: id,
        createdBy: '',
        async open() {
          const p = pack();
          walk(p, root, root, 0).then(
            () => p.finalize(),
            (e: Error) => p.destroy(e),
          );
          return p as unknown as import('node:stream').Readable;
        },
      },
    ],
    close: async () => {},
  };
}
