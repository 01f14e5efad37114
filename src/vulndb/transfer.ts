/**
 * `db export` / `db import`: the database travels as one SQLite file. An
 * import is checked (schema version, integrity) on a temporary copy before
 * it is renamed over the current database.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { claimFreshFile, createTempDirBeside } from '../util/atomic-file.js';
import { UserError } from '../util/errors.js';
import { SCHEMA_VERSION, VulnDb, type DbStatus } from './store.js';
import { dbDir, dbPath, openDb } from './update.js';

export async function exportDb(cacheDir: string, file: string): Promise<void> {
  const db = openDb(cacheDir);
  db.close();
  const src = new Database(dbPath(cacheDir), { readonly: true, fileMustExist: true });
  // SQLite writes the backup by path, so it goes into a private new directory (unpredictable, 0700) beside the target: no planted name can redirect it.
  const tmpDir = createTempDirBeside(file);
  try {
    const tmp = join(tmpDir, 'customs.db');
    await src.backup(tmp);
    renameSync(tmp, file);
  } finally {
    src.close();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

export async function importDb(cacheDir: string, file: string): Promise<DbStatus> {
  mkdirSync(dbDir(cacheDir), { recursive: true });
  const tmp = join(dbDir(cacheDir), `customs.db.tmp-${process.pid}`);
  try {
    claimFreshFile(tmp); // the name is predictable: a symlink planted there must not be followed
    copyFileSync(file, tmp);
    let check: Database.Database;
    try { check = new Database(tmp, { readonly: true, fileMustExist: true }); } catch (e) { throw new UserError(`${file}: not a customs database (${(e as Error).message})`); }
    try {
      let ok: unknown;
      try { ok = check.pragma('integrity_check', { simple: true }); } catch (e) { throw new UserError(`${file}: not a customs database (${(e as Error).message})`); }
      if (ok !== 'ok') throw new UserError(`${file}: the database is damaged (${String(ok)})`, 'export it again');
      const v = (() => { try { return (check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value; } catch { return undefined; } })();
      if (Number(v) !== SCHEMA_VERSION) throw new UserError(`${file}: schema version ${v ?? 'none'}, this customs reads ${SCHEMA_VERSION}`, 'export it with the same customs version');
    } finally { check.close(); }
    renameSync(tmp, dbPath(cacheDir));
  } finally {
    rmSync(tmp, { force: true });
  }
  const db = new VulnDb(dbPath(cacheDir));
  try { return db.status(); } finally { db.close(); }
}
