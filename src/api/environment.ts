/**
 * The defaults a scan takes from its environment, the same for the CLI and
 * the library: where the cache lives and where advisories come from.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../util/duration.js';
import { DEFAULT_KEV_SOURCE } from '../vulndb/exploit-data.js';
import { DEFAULT_SOURCE } from '../vulndb/source.js';
import type { UpdateOptions } from '../vulndb/update.js';

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
  return env
    ? env
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [DEFAULT_SOURCE];
}

/**
 * The KEV catalog source: the given one, else CUSTOMS_KEV_SOURCE, else CISA's
 * published URL. One the user named must load; the default may fail
 * (offline) with a warning. `none` goes without.
 */
export function configuredKev(source: string | undefined): UpdateOptions['kev'] {
  const named = source ?? (process.env['CUSTOMS_KEV_SOURCE'] || undefined);
  if (named === 'none') return undefined;
  return named ? { source: named, required: true } : { source: DEFAULT_KEV_SOURCE, required: false };
}

/** The EPSS source: the given one, else CUSTOMS_EPSS_SOURCE; none by default (FIRST publishes one file per day). */
export function configuredEpss(source: string | undefined): string | undefined {
  const named = source ?? process.env['CUSTOMS_EPSS_SOURCE'];
  return named && named !== 'none' ? named : undefined;
}

/**
 * How old a database may be before a scan refreshes it (or, when it may not
 * update, warns): the given age, else CUSTOMS_DB_MAX_AGE, else 24h: the
 * advisory sources change daily, as Trivy's database does. 0: never.
 */
export function maxDbAgeMs(ms: number | undefined): number {
  return ms ?? parseDuration(process.env['CUSTOMS_DB_MAX_AGE'] ?? '24h', 'CUSTOMS_DB_MAX_AGE');
}
