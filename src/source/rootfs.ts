/**
 * An unpacked root filesystem as a one-layer image (source/directory.ts):
 * symlinks are recorded, never followed, so a link pointing at the host's
 * /etc stays a link. `.gitignore` files do not apply to a filesystem.
 */
import { lstat, realpath } from 'node:fs/promises';
import type { PathSkipper } from '../layer/path-skip.js';
import { UserError } from '../util/errors.js';
import { openDirectory } from './directory.js';
import type { Image } from './image.js';

/** Trivy's system directories: never files to analyse, and on a live system reading them can block. */
export const SYSTEM_DIRS = ['proc', 'sys', 'dev'];

export async function openRootfs(
  dir: string,
  opts: { skip?: PathSkipper; warn?: (m: string) => void } = {},
): Promise<Image> {
  try {
    if (!(await lstat(await realpath(dir))).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new UserError(`${dir}: cannot scan: ${(e as Error).message}`, 'give the path of an unpacked root filesystem');
  }
  return openDirectory(dir, { name: dir, idPrefix: 'rootfs', skip: opts.skip, warn: opts.warn });
}
