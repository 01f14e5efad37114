import { homedir } from 'node:os';
import { join } from 'node:path';

/** `--cache-dir`, else `CUSTOMS_CACHE_DIR`, else the user cache dir (XDG). */
export function resolveCacheDir(flag?: string): string {
  if (flag) return flag;
  if (process.env['CUSTOMS_CACHE_DIR']) return process.env['CUSTOMS_CACHE_DIR'];
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'customs');
}
