/**
 * Makes sure a scan has a vulnerability database: builds one from the
 * configured sources when there is none (unless told never to), refreshes
 * one older than its maximum age when it may (else warns), and opens it
 * read-only.
 */
import { SCHEMA_VERSION, type VulnDb } from '../vulndb/store.js';
import { openDb, tryOpenDb, updateDb } from '../vulndb/update.js';
import { describeAge, formatDuration } from '../util/duration.js';
import { UserError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { configuredEpss, configuredKev, configuredSources, maxDbAgeMs } from './environment.js';
import type { ScanProgress } from './request.js';

/** The schema version of an opened file; 0 when it cannot say (not a database, no meta table). */
function schemaOf(db: VulnDb): number {
  try {
    return db.schemaVersion();
  } catch {
    return 0;
  }
}

export interface DatabaseRequest {
  cacheDir: string;
  sources?: string[];
  kevSource?: string;
  epssSource?: string;
  /** Refresh (or warn about) a database older than this; 0 never. */
  maxAgeMs?: number;
  skipUpdate?: boolean;
  logger: Logger;
  onProgress?: (p: ScanProgress) => void;
}

export async function ensureVulnDb(req: DatabaseRequest): Promise<VulnDb> {
  const { cacheDir, logger } = req;
  const maxAge = maxDbAgeMs(req.maxAgeMs);
  const mayUpdate = !req.skipUpdate;
  const sources = configuredSources(req.sources);
  const existing = tryOpenDb(cacheDir);
  const update = (): Promise<unknown> =>
    updateDb({
      cacheDir,
      sources,
      kev: configuredKev(req.kevSource),
      epssSource: configuredEpss(req.epssSource),
      logger,
      onProgress: (p) =>
        req.onProgress?.({
          stage: 'database',
          message: `vulnerability database: ${p.ecosystem} ${p.records} records`,
          done: p.done,
          total: p.total,
          unit: 'ecosystems',
        }),
    });
  if (existing && schemaOf(existing) === SCHEMA_VERSION) {
    try {
      existing.assertLayout();
    } catch (e) {
      existing.close();
      throw e;
    }
    const age = Date.now() - Date.parse(existing.builtAt());
    if (!maxAge || !(age > maxAge)) return existing;
    if (!mayUpdate) {
      logger.warn(
        `the vulnerability database is ${describeAge(age)}, older than --db-max-age (${formatDuration(maxAge)}); findings may miss newer advisories: run \`customs db update\``,
      );
      return existing;
    }
    existing.close();
    logger.info(`refreshing the vulnerability database (${describeAge(age)}) from ${sources.join(', ')}`);
    try {
      await update();
    } catch (e) {
      // The old database is whole (an update renames into place only when done): scan with it, and say so.
      logger.warn(
        `the vulnerability database could not be refreshed (${errorMessage(e)}); scanning with the one that is ${describeAge(age)}`,
      );
    }
    return openDb(cacheDir);
  }
  existing?.close();
  const outdated = existing !== undefined;
  if (!mayUpdate) {
    if (outdated) return openDb(cacheDir); // fails with the schema versions and what to run
    throw new UserError(
      `no vulnerability database in ${cacheDir}/db`,
      'run `customs db update --source DIR|URL` first, or drop --skip-db-update',
    );
  }
  logger.info(
    `${outdated ? 'rebuilding the vulnerability database (it was made by an older customs)' : 'building the vulnerability database'} from ${sources.join(', ')}`,
  );
  await update();
  return openDb(cacheDir);
}
