/**
 * The store's schema, versioned: Kysely's Migrator runs these in order at
 * start and records what it ran, so a server never meets tables it does not
 * know. Migrations live in code (not files) so the bundled CLI carries them.
 * A migration never changes once released; a change is a new one.
 */
import type { Kysely, Migration } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** The tables and indexes; `dialect` only for the one difference: an auto-numbered key (serial / integer autoincrement). */
const initial = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('images')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('registry', 'text', (c) => c.notNull())
      .addColumn('repository', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('first_seen', 'text', (c) => c.notNull())
      .addColumn('last_scan_id', 'text')
      .addColumn('last_scanned_at', 'text')
      .execute();
    await db.schema.createIndex('images_repository').on('images').columns(['registry', 'repository']).execute();
    await db.schema
      .createTable('scans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requested_ref', 'text', (c) => c.notNull())
      .addColumn('digest', 'text')
      .addColumn('error', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('db_built_at', 'text')
      .execute();
    await db.schema.createIndex('scans_digest').on('scans').columns(['digest', 'finished_at']).execute();
    await db.schema
      .createTable('reports')
      .addColumn('scan_id', 'text', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('inventories')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('scan_id', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('inventory_names')
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('inventory_names_pk', ['name_key', 'digest'])
      .execute();
    await db.schema.createIndex('inventory_names_digest').on('inventory_names').column('digest').execute();
    await db.schema
      .createTable('findings')
      .addColumn('scan_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('vulnerability_id', 'text', (c) => c.notNull())
      .addColumn('pkg_name', 'text', (c) => c.notNull())
      .addColumn('installed_version', 'text', (c) => c.notNull())
      .addColumn('pkg_path', 'text', (c) => c.notNull())
      .addColumn('fixed_version', 'text')
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('kev', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('findings_pk', ['scan_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('findings_vulnerability')
      .on('findings')
      .columns(['vulnerability_id', 'scan_id'])
      .execute();
    await db.schema
      .createTable('changes')
      .addColumn('scan_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('change', 'text', (c) => c.notNull())
      .addColumn('vulnerability_id', 'text', (c) => c.notNull())
      .addColumn('pkg_name', 'text', (c) => c.notNull())
      .addColumn('installed_version', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('changes_pk', ['scan_id', 'seq'])
      .execute();
    await db.schema.createIndex('changes_digest').on('changes').columns(['digest', 'at']).execute();
    await db.schema
      .createTable('audit')
      .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lock_key', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('owner', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('jobs_state').on('jobs').columns(['state', 'created_at']).execute();
    await db.schema
      .createTable('advisory_fingerprints')
      .addColumn('ecosystem', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('advisory_fingerprints_pk', ['ecosystem', 'name'])
      .execute();
    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
});

/** Registry notifications already acted on, by event id: a redelivered event queues nothing. */
const webhookEvents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('scan_id', 'text')
      .execute();
  },
};

/** Registry watching: a tag queues a scan when its digest differs from the one recorded here. */
const watchedTags: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('watched_tags')
      .addColumn('registry', 'text', (c) => c.notNull())
      .addColumn('repository', 'text', (c) => c.notNull())
      .addColumn('tag', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('checked_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('watched_tags_pk', ['registry', 'repository', 'tag'])
      .execute();
  },
};

export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_webhook_events': webhookEvents,
    '0003_watched_tags': watchedTags,
  };
}
