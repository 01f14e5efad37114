/** The database commands as functions: build, status, export, import. Cache dir and sources default as for scans. */
import type { DbStatus } from '../vulndb/store.js';
import { exportDb, importDb } from '../vulndb/transfer.js';
import { dbStatus, updateDb } from '../vulndb/update.js';
import { silentLogger, type Logger } from '../util/log.js';
import { configuredEpss, configuredKev, configuredSources, resolveCacheDir } from './environment.js';

export interface DatabaseUpdateRequest {
  cacheDir?: string;
  /** OSV export locations (default: CUSTOMS_DB_SOURCE, else osv.dev). */
  sources?: string[];
  /** CISA's KEV catalog (default: CUSTOMS_KEV_SOURCE, else CISA's URL, a warning when unreachable; `none` without). */
  kevSource?: string;
  /** FIRST's EPSS scores, CSV gzip or plain (default: CUSTOMS_EPSS_SOURCE). */
  epssSource?: string;
  /** Only these ecosystem folders. */
  ecosystems?: string[];
  logger?: Logger;
  onProgress?: (p: { ecosystem: string; records: number }) => void;
}

export async function updateDatabase(req: DatabaseUpdateRequest = {}): Promise<DbStatus> {
  return updateDb({
    cacheDir: resolveCacheDir(req.cacheDir),
    sources: configuredSources(req.sources),
    ecosystems: req.ecosystems,
    kev: configuredKev(req.kevSource),
    epssSource: configuredEpss(req.epssSource),
    logger: req.logger ?? silentLogger,
    onProgress: req.onProgress,
  });
}

/** The database's status, or undefined when there is none. */
export function databaseStatus(cacheDir?: string): DbStatus | undefined {
  return dbStatus(resolveCacheDir(cacheDir));
}

/** Writes the database to FILE with FILE.sha256 (and FILE.sig, signed with an Ed25519 PEM key, when given). */
export async function exportDatabase(
  file: string,
  opts: { cacheDir?: string; signKeyFile?: string } = {},
): Promise<void> {
  await exportDb(resolveCacheDir(opts.cacheDir), file, { signKeyFile: opts.signKeyFile });
}

/** Installs an exported database after checking its digest, signature (with verifyKeyFile), schema and integrity. */
export async function importDatabase(
  file: string,
  opts: { cacheDir?: string; verifyKeyFile?: string; logger?: Logger } = {},
): Promise<DbStatus> {
  const logger = opts.logger ?? silentLogger;
  return importDb(resolveCacheDir(opts.cacheDir), file, {
    verifyKeyFile: opts.verifyKeyFile,
    warn: (m) => logger.warn(m),
  });
}
