/**
 * Scan requests that name a file on the server. A remote caller must never
 * make the server read its files, so a path is accepted only when the
 * server was started with `--allow-local-input DIR` and the path, resolved
 * through symlinks, lies inside DIR.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { UserError } from '../util/errors.js';

const PREFIXES = ['docker-archive:', 'oci-archive:', 'oci:'];

/** Whether the reference names a local file rather than a registry image. */
export function isLocalInput(ref: string): boolean {
  return isAbsolute(ref) || PREFIXES.some((p) => ref.startsWith(p));
}

/** The checked local input (`input` of a ScanRequest), or an error saying why it is refused. */
export function checkLocalInput(ref: string, allowedDir: string | undefined): string {
  if (!allowedDir)
    throw new UserError(
      `${ref}: the server does not scan its own files`,
      'start it with --allow-local-input DIR to allow archives under DIR',
    );
  const prefix = PREFIXES.find((p) => ref.startsWith(p)) ?? '';
  const path = ref.slice(prefix.length);
  let real: string;
  let root: string;
  try {
    real = realpathSync(path);
    root = realpathSync(allowedDir);
  } catch {
    throw new UserError(`${ref}: no such file on the server`, `give a path under ${allowedDir}`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel))
    throw new UserError(`${ref}: outside the directory the server may read`, `give a path under ${allowedDir}`);
  return `${prefix}${real}`;
}
