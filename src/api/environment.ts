/**
 * The defaults a scan takes from its environment, the same for the CLI and
 * the library: where the cache lives and where advisories come from.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SOURCE } from '../vulndb/source.js';

/** The given directory, else `CUSTOMS_CACHE_DIR`, else the user cache dir (XDG). */
export function resolveCacheDir(dir?: string): string {
  if (dir) return dir;
  if (process.env['CUSTOMS_CACHE_DIR']) return process.env['CUSTOMS_CACHE_DIR'];
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'customs');
}

/** The given OSV export locations, else `CUSTOMS_DB_SOURCE` (comma-separated), else osv.dev. */
export function configuredSources(sources: string[] | undefined): string[] {
  if (sources?.length) return sources;
  const env = process.env['CUSTOMS_DB_SOURCE'];
  return env ? env.split(',').map((s) => s.trim()).filter(Boolean) : [DEFAULT_SOURCE];
}
