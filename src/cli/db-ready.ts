/**
 * Makes sure a scan has a vulnerability database: builds one from the
 * configured sources when there is none (unless told never to), refreshes
 * one older than its maximum age when it may (else warns), and opens it
 * read-only.
 */
import { DEFAULT_KEV_SOURCE } from '../vulndb/exploit-data.js';
import { DEFAULT_SOURCE } from '../vulndb/source.js';
import { SCHEMA_VERSION, type VulnDb } from '../vulndb/store.js';
import { openDb, tryOpenDb, updateDb, type UpdateOptions } from '../vulndb/update.js';
import { UserError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { parseDuration } from './flag-values.js';
import type { Progress } from './progress.js';

export function configuredSources(flag: string[] | undefined): string[] {
  if (flag?.length) return flag;
  const env = process.env['CUSTOMS_DB_SOURCE'];
  return env ? env.split(',').map((s) => s.trim()).filter(Boolean) : [DEFAULT_SOURCE];
}

/**
 * The KEV catalog source: the flag, else CUSTOMS_KEV_SOURCE, else CISA's
 * published URL. One the user named must load; the default may fail
 * (offline) with a warning. `none` goes without.
 */
export function configuredKev(flag: string | undefined): UpdateOptions['kev'] {
  const named = flag ?? (process.env['CUSTOMS_KEV_SOURCE'] || undefined);
  if (named === 'none') return undefined;
  return named ? { source: named, required: true } : { source: DEFAULT_KEV_SOURCE, required: false };
}

/** The EPSS source: the flag, else CUSTOMS_EPSS_SOURCE; none by default (FIRST publishes one file per day). */
export function configuredEpss(flag: string | undefined): string | undefined {
  const named = flag ?? process.env['CUSTOMS_EPSS_SOURCE'];
  return named && named !== 'none' ? named : undefined;
}

/**
 * How old a database may be before a scan refreshes it (or, when it may not
 * update, warns): `--db-max-age`, else CUSTOMS_DB_MAX_AGE, else 24h — the
 * advisory sources change daily, as Trivy's database does. `0` never.
 */
export function maxDbAgeMs(flag: string | undefined): number {
  const v = flag ?? process.env['CUSTOMS_DB_MAX_AGE'] ?? '24h';
  return parseDuration(v, '--db-max-age');
}

export interface DbFlags { skipDbUpdate?: boolean; offlineScan?: boolean; dbSource?: string[]; kevSource?: string; epssSource?: string; dbMaxAge?: string }

/** The schema version of an opened file; 0 when it cannot say (not a database, no meta table). */
function schemaOf(db: VulnDb): number {
  try { return db.schemaVersion(); } catch { return 0; }
}

/** `3 h`, `2 days`: how old, as a person reads it. */
export function describeAge(ms: number): string {
  const h = ms / 3_600_000;
  if (!Number.isFinite(h)) return 'of unknown age';
  if (h < 1) return `${Math.max(0, Math.floor(h * 60))} min old`;
  if (h < 48) return `${Math.floor(h)} h old`;
  return `${Math.floor(h / 24)} days old`;
}

export async function ensureVulnDb(cacheDir: string, flags: DbFlags, logger: Logger, progress: Progress): Promise<VulnDb> {
  const maxAge = maxDbAgeMs(flags.dbMaxAge);
  const mayUpdate = !flags.skipDbUpdate && !flags.offlineScan;
  const existing = tryOpenDb(cacheDir);
  const update = (): Promise<unknown> => updateDb({
    cacheDir, sources: configuredSources(flags.dbSource), kev: configuredKev(flags.kevSource), epssSource: configuredEpss(flags.epssSource),
    logger, onProgress: (p) => progress.update(`vulnerability database: ${p.ecosystem} ${p.records} records`),
  }).finally(() => progress.done());
  if (existing && schemaOf(existing) === SCHEMA_VERSION) {
    const age = Date.now() - Date.parse(existing.builtAt());
    if (!maxAge || !(age > maxAge)) return existing;
    if (!mayUpdate) {
      logger.warn(`the vulnerability database is ${describeAge(age)}, older than --db-max-age (${flags.dbMaxAge ?? process.env['CUSTOMS_DB_MAX_AGE'] ?? '24h'}); findings may miss newer advisories: run \`customs db update\``);
      return existing;
    }
    existing.close();
    logger.info(`refreshing the vulnerability database (${describeAge(age)}) from ${configuredSources(flags.dbSource).join(', ')}`);
    try {
      await update();
    } catch (e) {
      // The old database is whole (an update renames into place only when done): scan with it, and say so.
      logger.warn(`the vulnerability database could not be refreshed (${(e as Error).message}); scanning with the one that is ${describeAge(age)}`);
    }
    return openDb(cacheDir);
  }
  existing?.close();
  const outdated = existing !== undefined;
  if (!mayUpdate) {
    if (outdated) return openDb(cacheDir); // fails with the schema versions and what to run
    throw new UserError(`no vulnerability database in ${cacheDir}/db`, 'run `customs db update --source DIR|URL` first, or drop --skip-db-update');
  }
  logger.info(`${outdated ? 'rebuilding the vulnerability database (it was made by an older customs)' : 'building the vulnerability database'} from ${configuredSources(flags.dbSource).join(', ')}`);
  await update();
  return openDb(cacheDir);
}
