/**
 * The cache holds what scans learnt about images (paths, masked secret
 * lines, package lists): readable by its owner only. Directories are 0700,
 * files 0600, whatever the umask; a directory an older customs made 0755 is
 * narrowed when next used.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) 0700 and narrows `dir` and `root` (the cache root above it) to 0700. */
export function ensurePrivateDir(dir: string, root = dirname(dir)): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const d of new Set([root, dir])) {
    try {
      chmodSync(d, PRIVATE_DIR_MODE);
    } catch {
      /* not ours (a shared --cache-dir): left as it is */
    }
  }
}
