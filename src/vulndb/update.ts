/**
 * `db update`: reads every source's zips into a new database file beside
 * the current one, then renames it over the old one. A killed update leaves
 * the old database untouched; leftovers are removed by the next update.
 */
import { readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { ensurePrivateDir } from '../util/private-dir.js';
import { claimFreshFile } from '../util/atomic-file.js';
import { join } from 'node:path';
import type { Logger } from '../util/log.js';
import { UserError } from '../util/errors.js';
import { invalidReason, type OsvRecord } from './osv.js';
import { loadEpss, loadKevCatalog } from './exploit-data.js';
import { cveCvssFile, resolveSource } from './source.js';
import { DbWriter, type DbStatus, type EcosystemCounts, SCHEMA_VERSION, VulnDb } from './store.js';
import { readZipRecords } from './zip-records.js';

export const DB_FILE = 'customs.db';

export function dbDir(cacheDir: string): string {
  return join(cacheDir, 'db');
}
export function dbPath(cacheDir: string): string {
  return join(dbDir(cacheDir), DB_FILE);
}

export interface UpdateOptions {
  cacheDir: string;
  sources: string[];
  ecosystems?: string[];
  logger: Logger;
  /** `done` of `total` ecosystems of the current source finished before this one. */
  onProgress?: (p: { ecosystem: string; records: number; done?: number; total?: number }) => void;
  /**
   * CISA's KEV catalog (file or URL). `required` when the user named it: then
   * a failure fails the update; the default source failing (offline) only warns.
   */
  kev?: { source: string; required: boolean };
  /** FIRST's EPSS CSV (file or URL, gzip or plain); a failure fails the update. */
  epssSource?: string;
}

/**
 * What an update leaves beside the database while it runs, named by its pid:
 * `customs.db.tmp-PID` (DB_FILE), SQLite's `customs.db.tmp-PID-journal`
 * while it vacuums, and `download-PID`.
 */
const IN_PROGRESS = /^(?:customs\.db\.tmp|download)-(\d+)(?:-journal)?$/;

/** Removes what updates that died left behind; an update still running keeps its files. */
function removeStale(dir: string): void {
  for (const f of readdirSync(dir)) {
    const m = IN_PROGRESS.exec(f);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false;
    }
    if (!alive) rmSync(join(dir, f), { recursive: true, force: true });
  }
}

export async function updateDb(opts: UpdateOptions): Promise<DbStatus> {
  const dir = dbDir(opts.cacheDir);
  ensurePrivateDir(dir);
  removeStale(dir);
  const tmp = join(dir, `${DB_FILE}.tmp-${process.pid}`);
  const downloads = join(dir, `download-${process.pid}`);
  claimFreshFile(tmp); // the name is predictable: a symlink planted there must not be followed
  const writer = new DbWriter(tmp);
  const ecosystems: Record<string, EcosystemCounts> = {};
  let enrichedCves = 0;
  try {
    for (const source of opts.sources) {
      const zips = await resolveSource(source, opts.ecosystems, downloads, (m) => opts.logger.warn(m));
      for (const [done, z] of zips.entries()) {
        const counts = (ecosystems[z.folder] ??= { records: 0, skipped: 0, withdrawn: 0 });
        const batch: OsvRecord[] = [];
        const flush = (): void => {
          writer.transaction(() => {
            for (const r of batch) writer.addRecord(z.folder, r);
          });
          batch.length = 0;
        };
        await readZipRecords(z.zipPath, (r) => {
          if ('error' in r) {
            counts.skipped++;
            opts.logger.warn(`${z.folder}/all.zip: ${r.entry}: ${r.error}; skipped`);
            return;
          }
          const why = invalidReason(r.json);
          if (why) {
            counts.skipped++;
            opts.logger.warn(`${z.folder}/all.zip: ${r.entry}: ${why}; skipped`);
            return;
          }
          const rec = r.json as OsvRecord;
          if (rec.withdrawn) {
            counts.withdrawn++;
            return;
          }
          counts.records++;
          batch.push(rec);
          if (batch.length >= 2000) {
            flush();
            opts.onProgress?.({ ecosystem: z.folder, records: counts.records, done, total: zips.length });
          }
        });
        flush();
        opts.onProgress?.({ ecosystem: z.folder, records: counts.records, done, total: zips.length });
      }
      const cvss = cveCvssFile(source);
      if (cvss) enrichedCves += importCveCvss(writer, cvss, opts.logger);
    }
    if (!Object.keys(ecosystems).length)
      throw new UserError(
        `no OSV ecosystems found in ${opts.sources.join(', ')}`,
        'the source must hold <Ecosystem>/all.zip folders',
      );
    const kev = opts.kev ? await importKev(writer, opts.kev, downloads, opts.logger) : undefined;
    const epss = opts.epssSource ? await importEpss(writer, opts.epssSource, downloads, opts.logger) : undefined;
    writer.finish({ builtAt: new Date().toISOString(), sources: opts.sources, ecosystems, enrichedCves, kev, epss });
    renameSync(tmp, dbPath(opts.cacheDir));
  } catch (e) {
    writer.abandon();
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    rmSync(downloads, { recursive: true, force: true });
  }
  const db = new VulnDb(dbPath(opts.cacheDir));
  try {
    return db.status();
  } finally {
    db.close();
  }
}

async function importKev(
  writer: DbWriter,
  kev: { source: string; required: boolean },
  tmpDir: string,
  logger: Logger,
): Promise<DbStatus['kev']> {
  let catalog;
  try {
    catalog = await loadKevCatalog(kev.source, tmpDir);
  } catch (e) {
    if (kev.required) throw e;
    logger.warn(
      `the KEV catalog could not be read from ${kev.source} (${(e as Error).message}); findings will not say which vulnerabilities are known exploited: give --kev-source FILE|URL (or CUSTOMS_KEV_SOURCE), or \`none\``,
    );
    return undefined;
  }
  if (catalog.skipped) logger.warn(`${kev.source}: ${catalog.skipped} KEV entries without a CVE id or date skipped`);
  writer.transaction(() => {
    for (const [cve, entry] of catalog.entries) writer.addKev(cve, entry);
  });
  return { catalogVersion: catalog.catalogVersion, entries: catalog.entries.size, source: kev.source };
}

async function importEpss(writer: DbWriter, source: string, tmpDir: string, logger: Logger): Promise<DbStatus['epss']> {
  const data = await loadEpss(source, tmpDir);
  if (data.skipped) logger.warn(`${source}: ${data.skipped} EPSS rows without a CVE id or probabilities skipped`);
  writer.transaction(() => {
    for (const [cve, score] of data.scores) writer.addEpss(cve, score);
  });
  return { scoreDate: data.scoreDate, entries: data.scores.size, source };
}

function importCveCvss(writer: DbWriter, file: string, logger: Logger): number {
  if (statSync(file).size > 256 * 1024 * 1024) {
    logger.warn(`${file}: too large; CVSS enrichment skipped`);
    return 0;
  }
  let doc: { cves?: Record<string, unknown> };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch (e) {
    logger.warn(`${file}: not JSON (${(e as Error).message}); CVSS enrichment skipped`);
    return 0;
  }
  let n = 0;
  writer.transaction(() => {
    for (const [cve, data] of Object.entries(doc.cves ?? {})) {
      if (!/^CVE-\d{4}-\d+$/.test(cve) || !Array.isArray(data)) continue;
      writer.addCveCvss(cve, data);
      n++;
    }
  });
  return n;
}

export function dbStatus(cacheDir: string): DbStatus | undefined {
  const db = tryOpenDb(cacheDir);
  if (!db) return undefined;
  try {
    return db.status();
  } finally {
    db.close();
  }
}

/**
 * The database in `cacheDir` opened read-only, whatever its schema version;
 * undefined when there is none (or it cannot be opened). A file that was
 * altered to run code (views, triggers) is refused loudly, not rebuilt quietly.
 */
export function tryOpenDb(cacheDir: string): VulnDb | undefined {
  try {
    return new VulnDb(dbPath(cacheDir));
  } catch (e) {
    if (e instanceof UserError) throw e;
    return undefined;
  }
}

export function openDb(cacheDir: string): VulnDb {
  let db: VulnDb;
  try {
    db = new VulnDb(dbPath(cacheDir));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `no usable vulnerability database in ${dbDir(cacheDir)} (${(e as Error).message})`,
      'run `customs db update`',
    );
  }
  const version = db.schemaVersion();
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw new UserError(
      `the vulnerability database in ${dbDir(cacheDir)} has schema version ${version}; this customs reads ${SCHEMA_VERSION}`,
      'run `customs db update` to rebuild it',
    );
  }
  try {
    db.assertLayout();
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
