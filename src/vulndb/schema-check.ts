/**
 * Checks that a database file holds exactly what `db update` writes: the
 * same tables and indexes, column for column, and nothing else. A view or
 * a trigger is code that runs when customs reads: a view named `affected`
 * over an endless recursive query hung every scan, and one over nothing
 * would hide every finding. Only the schema (sqlite_master, a handful of
 * rows) is read, never a table, so a hostile file cannot run anything here.
 */
import Database from 'better-sqlite3';
import { SCHEMA } from './schema.js';

interface SchemaEntry {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** What DbWriter.finish leaves: the build's tables less the staging one, plus ANALYZE's statistics tables. */
function referenceSchema(): Map<string, SchemaEntry> {
  const db = new Database(':memory:');
  try {
    db.exec(SCHEMA);
    db.exec('DROP TABLE advisory_staging; ANALYZE;');
    return entries(db);
  } finally {
    db.close();
  }
}

let reference: Map<string, SchemaEntry> | undefined;

function entries(db: Database.Database): Map<string, SchemaEntry> {
  const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').all() as SchemaEntry[];
  return new Map(rows.map((r) => [`${r.type} ${r.name}`, r]));
}

/**
 * How the file's schema differs from the one customs writes, in words
 * (empty when identical). The statistics tables ANALYZE makes may be absent
 * (a build of an SQLite without STAT4), never different.
 */
export function schemaDifferences(db: Database.Database): string[] {
  reference ??= referenceSchema();
  const got = entries(db);
  const out: string[] = [];
  for (const [key, e] of got) {
    const want = reference.get(key);
    if (!want) {
      out.push(
        `unexpected ${e.type} "${e.name}"${e.type === 'view' || e.type === 'trigger' ? ' (a database customs writes has no views or triggers)' : ''}`,
      );
      continue;
    }
    if (want.tbl_name !== e.tbl_name || want.sql !== e.sql)
      out.push(`${e.type} "${e.name}" is defined differently (${String(e.sql).slice(0, 200)})`);
  }
  for (const [key, want] of reference) {
    if (!got.has(key) && !want.name.startsWith('sqlite_stat')) out.push(`${want.type} "${want.name}" is missing`);
  }
  return out;
}

/** Views, triggers and virtual tables: schema entries that run code when read. Cheap enough for every open. */
export function codeInSchema(db: Database.Database): string[] {
  const rows = db
    .prepare(
      "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL%')",
    )
    .all() as { type: string; name: string }[];
  return rows.map((r) => `${r.type === 'table' ? 'virtual table' : r.type} "${r.name}"`);
}
