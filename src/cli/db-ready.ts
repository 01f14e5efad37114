/**
 * Makes sure a scan has a vulnerability database: builds one from the
 * configured source when there is none (unless told never to), warns when
 * it is old, and opens it read-only.
 */
import { DEFAULT_SOURCE } from '../vulndb/source.js';
import { SCHEMA_VERSION, type VulnDb } from '../vulndb/store.js';
import { openDb, tryOpenDb, updateDb } from '../vulndb/update.js';
import { UserError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { Progress } from './progress.js';

export function configuredSources(flag: string[] | undefined): string[] {
  if (flag?.length) return flag;
  const env = process.env['CUSTOMS_DB_SOURCE'];
  return env ? env.split(',').map((s) => s.trim()).filter(Boolean) : [DEFAULT_SOURCE];
}

/** Days after which an existing database earns a warning. */
const MAX_AGE_DAYS = Number(process.env['CUSTOMS_DB_MAX_AGE_DAYS'] ?? 7);

/** The schema version of an opened file; 0 when it cannot say (not a database, no meta table). */
function schemaOf(db: VulnDb): number {
  try { return db.schemaVersion(); } catch { return 0; }
}

export async function ensureVulnDb(cacheDir: string, flags: { skipDbUpdate?: boolean; offlineScan?: boolean; dbSource?: string[] }, logger: Logger, progress: Progress): Promise<VulnDb> {
  const existing = tryOpenDb(cacheDir);
  if (existing && schemaOf(existing) === SCHEMA_VERSION) {
    try { existing.assertLayout(); } catch (e) { existing.close(); throw e; }
    const ageDays = (Date.now() - Date.parse(existing.builtAt())) / 86_400_000;
    if (ageDays > MAX_AGE_DAYS) logger.warn(`the vulnerability database is ${Math.floor(ageDays)} days old; run \`customs db update\``);
    return existing;
  }
  existing?.close();
  const outdated = existing !== undefined;
  if (flags.skipDbUpdate || flags.offlineScan) {
    if (outdated) return openDb(cacheDir); // fails with the schema versions and what to run
    throw new UserError(`no vulnerability database in ${cacheDir}/db`, 'run `customs db update --source DIR|URL` first, or drop --skip-db-update');
  }
  const sources = configuredSources(flags.dbSource);
  logger.info(`${outdated ? 'rebuilding the vulnerability database (it was made by an older customs)' : 'building the vulnerability database'} from ${sources.join(', ')}`);
  await updateDb({ cacheDir, sources, logger, onProgress: (p) => progress.update(`vulnerability database: ${p.ecosystem} ${p.records} records`) });
  progress.done();
  return openDb(cacheDir);
}
