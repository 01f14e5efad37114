/**
 * Makes sure a scan has a vulnerability database: builds one from the
 * configured source when there is none (unless told never to), warns when
 * it is old, and opens it read-only.
 */
import { SCHEMA_VERSION, type VulnDb } from '../vulndb/store.js';
import { openDb, tryOpenDb, updateDb } from '../vulndb/update.js';
import { UserError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { configuredSources } from './environment.js';
import type { ScanProgress } from './request.js';

/** Days after which an existing database earns a warning. */
const MAX_AGE_DAYS = Number(process.env['CUSTOMS_DB_MAX_AGE_DAYS'] ?? 7);

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
  skipUpdate?: boolean;
  logger: Logger;
  onProgress?: (p: ScanProgress) => void;
}

export async function ensureVulnDb(req: DatabaseRequest): Promise<VulnDb> {
  const { cacheDir, logger } = req;
  const existing = tryOpenDb(cacheDir);
  if (existing && schemaOf(existing) === SCHEMA_VERSION) {
    const ageDays = (Date.now() - Date.parse(existing.builtAt())) / 86_400_000;
    if (ageDays > MAX_AGE_DAYS) logger.warn(`the vulnerability database is ${Math.floor(ageDays)} days old; run \`customs db update\``);
    return existing;
  }
  existing?.close();
  const outdated = existing !== undefined;
  if (req.skipUpdate) {
    if (outdated) return openDb(cacheDir); // fails with the schema versions and what to run
    throw new UserError(`no vulnerability database in ${cacheDir}/db`, 'run `customs db update --source DIR|URL` first, or drop --skip-db-update');
  }
  const sources = configuredSources(req.sources);
  logger.info(`${outdated ? 'rebuilding the vulnerability database (it was made by an older customs)' : 'building the vulnerability database'} from ${sources.join(', ')}`);
  await updateDb({
    cacheDir,
    sources,
    logger,
    onProgress: (p) => req.onProgress?.({ stage: 'database', message: `vulnerability database: ${p.ecosystem} ${p.records} records` }),
  });
  return openDb(cacheDir);
}
