/**
 * Files replaced atomically: written under a temp name beside the target,
 * then renamed over it. The temp name is unpredictable and the file is
 * created exclusively without following symlinks (O_CREAT|O_EXCL|O_NOFOLLOW,
 * mode 0600), so a symlink or file planted at a guessable name can never
 * redirect the write to another file, and nobody else can read the
 * contents before they are complete.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** A new, empty file beside `target`, opened for writing; only this process can have created it. */
export function createTempFileBeside(target: string): { path: string; fd: number } {
  for (let attempt = 0; ; attempt++) {
    const path = join(dirname(target), `.${basename(target)}.${randomBytes(9).toString('hex')}.tmp`);
    try {
      return { path, fd: openSync(path, EXCLUSIVE, 0o600) };
    } catch (e) {
      // A name already taken (by chance, or planted): draw another; 72 random bits make a second clash unheard of.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) continue;
      throw e;
    }
  }
}

/** A new directory beside `target` that only this user can enter (mkdtemp: unpredictable, 0700), for tools that want a path, not a descriptor. */
export function createTempDirBeside(target: string): string {
  return mkdtempSync(join(dirname(target), `.${basename(target)}.`));
}

/**
 * Makes `path` a new, empty regular file of this process (mode 0600) for a
 * tool that opens files by name (SQLite, copyFile): whatever was planted
 * there first, a symlink included, is removed, never followed.
 */
export function claimFreshFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  closeSync(openSync(path, EXCLUSIVE, 0o600));
}

/** The mode a replaced file keeps (or a new one gets, as the umask allows). */
function intendedMode(target: string): number {
  const existing = statSync(target, { throwIfNoEntry: false });
  if (existing?.isFile()) return existing.mode & 0o777;
  const umask = process.umask();
  return 0o666 & ~umask;
}

/**
 * Writes `target` atomically: `write` gets the descriptor of the temp file;
 * the file gets its intended mode and is renamed over `target`. On any
 * failure the temp file is removed and `target` is untouched.
 */
export function writeFileAtomic(target: string, write: (fd: number) => void): void {
  const { path, fd } = createTempFileBeside(target);
  try {
    try {
      write(fd);
      fchmodSync(fd, intendedMode(target));
    } finally {
      closeSync(fd);
    }
    renameSync(path, target);
  } catch (e) {
    rmSync(path, { force: true });
    throw e;
  }
}

/** Writes all of `bytes` to `fd`. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
}
