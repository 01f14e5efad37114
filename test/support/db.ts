/**
 * A vulnerability database built once from ../shared/osv and CISA's KEV
 * catalog in ../shared/kev into a cache dir shared by the test files
 * (CUSTOMS_TEST_CACHE, default <tmp>/customs-test-cache), rebuilt when the
 * corpus is newer than the database, or the database is half way to the
 * default --db-max-age (24h): a scan in a test must never find it stale and
 * refresh it itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../src/vulndb/store.js';
import { cliPath, sharedDir } from './paths.js';

export const testCacheDir = process.env.CUSTOMS_TEST_CACHE ?? join(tmpdir(), 'customs-test-cache');
export const osvDir = join(sharedDir, 'osv');
export const kevFile = join(sharedDir, 'kev', 'known_exploited_vulnerabilities.json');
const REBUILD_AFTER_MINUTES = 12 * 60;

export type Db = { cacheDir: string } | { skip: string };

function newestZip(): number {
  let t = 0;
  for (const e of ['Alpine', 'Debian', 'Go', 'Packagist', 'PyPI', 'RubyGems', 'Ubuntu', 'crates.io', 'npm']) {
    const f = join(osvDir, e, 'all.zip');
    if (existsSync(f)) t = Math.max(t, statSync(f).mtimeMs);
  }
  if (existsSync(kevFile)) t = Math.max(t, statSync(kevFile).mtimeMs);
  return Math.max(t, Date.now() - REBUILD_AFTER_MINUTES * 60_000);
}

/** The schema version a database file says it has (0 when it cannot say). */
function schemaOf(file: string): number {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return Number(
        (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)
          ?.value ?? 0,
      );
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

export function ensureDb(): Db {
  if (!existsSync(osvDir)) return { skip: `skipped: ${osvDir} not found (../shared is not beside the repo)` };
  mkdirSync(testCacheDir, { recursive: true });
  const db = join(testCacheDir, 'db', 'customs.db');
  const fresh = (): boolean => existsSync(db) && statSync(db).mtimeMs >= newestZip() && schemaOf(db) === SCHEMA_VERSION;
  if (!fresh()) {
    // Checked again under the lock: another test file may have rebuilt it meanwhile.
    const cli = `"${process.execPath}" "${cliPath}"`;
    const stillFresh = `[ -f "${db}" ] && [ "${db}" -nt "${join(osvDir, 'Debian', 'all.zip')}" ] && [ -z "$(find "${db}" -mmin +${REBUILD_AFTER_MINUTES})" ] && ${cli} db status --json --cache-dir "${testCacheDir}" | grep -q '"schemaVersion": ${SCHEMA_VERSION},'`;
    execFileSync(
      'flock',
      [
        join(testCacheDir, '.db.lock'),
        'sh',
        '-c',
        `${stillFresh} || ${cli} db update --source "${osvDir}" --kev-source "${kevFile}" --cache-dir "${testCacheDir}" --quiet`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 },
    );
  }
  return { cacheDir: testCacheDir };
}
