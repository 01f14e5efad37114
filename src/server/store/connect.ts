/**
 * Opens the store named by `--database`: `sqlite:PATH` (the embedded
 * default, a file in the cache directory) or `postgres://…`; then brings its
 * schema up to date with the migrations in code. Both speak through Kysely,
 * so every query is written once.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { UserError, errorMessage } from '../../util/errors.js';
import { migrations, type Dialect } from './migrations.js';
import type { Database } from './schema.js';

export interface StoreLocation {
  dialect: Dialect;
  /** The SQLite file, or the PostgreSQL URL (with its password: never print it; see describeLocation). */
  target: string;
}

/** The default store: a SQLite file in the cache directory. */
export function defaultDatabase(cacheDir: string): string {
  return `sqlite:${join(cacheDir, 'server', 'customs-server.db')}`;
}

export function parseDatabaseUrl(url: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', target: url };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file)
      throw new UserError('--database sqlite: needs a file path', 'write it as sqlite:/path/to/customs-server.db');
    return { dialect: 'sqlite', target: resolve(file) };
  }
  throw new UserError(
    `--database ${describeLocation({ dialect: 'postgres', target: url })}: not a store customs knows`,
    'use sqlite:PATH or postgres://USER@HOST:PORT/DB',
  );
}

/** The location with any password masked, for messages and logs. */
export function describeLocation(loc: StoreLocation): string {
  return loc.target.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

export async function openDatabase(loc: StoreLocation): Promise<Kysely<Database>> {
  let db: Kysely<Database>;
  if (loc.dialect === 'sqlite') {
    mkdirSync(dirname(loc.target), { recursive: true });
    const file = new BetterSqlite3(loc.target);
    // WAL lets readers (API requests) run beside the one writer; the busy timeout waits out a writer's short transaction.
    file.pragma('journal_mode = WAL');
    file.pragma('busy_timeout = 5000');
    file.pragma('synchronous = NORMAL');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  } else {
    const pool = new pg.Pool({ connectionString: loc.target, max: 10 });
    // An idle client's error (the server restarted) must not end the process: the pool reconnects on the next query.
    pool.on('error', () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(migrations(loc.dialect)) },
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(errorMessage(error));
  } catch (e) {
    await db.destroy();
    throw new UserError(
      `the server store ${describeLocation(loc)} could not be opened: ${errorMessage(e)}`,
      loc.dialect === 'postgres'
        ? 'check that PostgreSQL is running and the URL (user, password, database) is right'
        : 'check that the file is writable and is a customs server store',
    );
  }
  return db;
}
