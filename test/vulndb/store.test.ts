/**
 * The database layout scans depend on: affected entries hold only what the
 * matcher reads, advisory bodies come in a second query, and a database
 * written by an older customs (another schema version) is rebuilt or refused
 * with what to run — never queried with the wrong layout.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import type { OsvRecord } from '../../src/vulndb/osv.js';
import { DbWriter, SCHEMA_VERSION, VulnDb } from '../../src/vulndb/store.js';
import { runCli } from '../support/cli.js';
import { zipCorpus } from '../support/osv-zip.js';

const work = mkdtempSync(join(tmpdir(), 'customs-store-'));
after(() => rmSync(work, { recursive: true, force: true }));

const record: OsvRecord = {
  id: 'GHSA-test-0001',
  aliases: ['CVE-2024-0001'],
  summary: 'a test advisory',
  details: 'long text the matcher never needs to see until a range matches',
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'Some_Package' },
      ranges: [
        { type: 'GIT', repo: 'https://example.invalid/repo', events: [{ introduced: '0' }, { fixed: 'abc123' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.0' }] },
      ],
      versions: ['1.0.0', '1.1.0'],
      ecosystem_specific: { urgency: 'high', affected_functions: ['a.b'] },
      database_specific: { status: 'open', severity: 'HIGH', source: 'https://example.invalid/x.json' },
    },
  ],
};

function buildDb(records: OsvRecord[]): string {
  const path = join(work, `db-${Math.random().toString(36).slice(2)}.db`);
  const w = new DbWriter(path);
  w.transaction(() => {
    for (const r of records) w.addRecord('PyPI', r);
  });
  w.finish({
    builtAt: new Date().toISOString(),
    sources: ['test'],
    ecosystems: { PyPI: { records: records.length, skipped: 0, withdrawn: 0 } },
    enrichedCves: 0,
  });
  return path;
}

test('affected entries keep only the fields the matcher reads, and no GIT ranges', () => {
  const db = new VulnDb(buildDb([record]));
  try {
    const rows = [...db.lookup('PyPI', ['some-package'])];
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]!.affected, {
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.0' }] }],
      versions: ['1.0.0', '1.1.0'],
      ecosystem_specific: { urgency: 'high' },
      database_specific: { status: 'open', severity: 'HIGH' },
    });
    assert.equal(rows[0]!.advisoryId, 'GHSA-test-0001');
  } finally {
    db.close();
  }
});

test('advisory bodies are read by id, without their affected entries', () => {
  const other: OsvRecord = {
    id: 'PYSEC-0002',
    affected: [
      { package: { ecosystem: 'PyPI', name: 'other' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] },
    ],
  };
  const db = new VulnDb(buildDb([record, other]));
  try {
    const bodies = db.advisories(['GHSA-test-0001', 'GHSA-test-0001', 'NOT-THERE']);
    assert.deepEqual([...bodies.keys()], ['GHSA-test-0001']);
    const body = bodies.get('GHSA-test-0001')!;
    assert.equal(body.details, record.details);
    assert.equal(body.affected, undefined);
  } finally {
    db.close();
  }
});

test('a database of another schema version is refused under --skip-db-update and rebuilt otherwise', async () => {
  const src = join(work, 'osv');
  zipCorpus(src, 'PyPI', { 'GHSA-test-0001.json': JSON.stringify(record) });
  const cache = join(work, 'cache');
  const built = await runCli(['db', 'update', '--source', src, '--cache-dir', cache, '--quiet']);
  assert.equal(built.code, 0, built.stderr);
  const file = join(cache, 'db', 'customs.db');
  const old = new Database(file);
  old.prepare("UPDATE meta SET value = '1' WHERE key = 'schema_version'").run();
  old.close();
  const rootfs = join(work, 'rootfs');
  mkdirSync(rootfs, { recursive: true });

  const refused = await runCli([
    'rootfs',
    rootfs,
    '--scanners',
    'vuln',
    '--skip-db-update',
    '--cache-dir',
    cache,
    '-f',
    'json',
  ]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`schema version 1; this customs reads ${SCHEMA_VERSION}`));
  assert.match(refused.stderr, /customs db update/);

  const rebuilt = await runCli([
    'rootfs',
    rootfs,
    '--scanners',
    'vuln',
    '--db-source',
    src,
    '--cache-dir',
    cache,
    '-f',
    'json',
  ]);
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  assert.match(rebuilt.stderr, /rebuilding the vulnerability database/);
  const status = JSON.parse((await runCli(['db', 'status', '--json', '--cache-dir', cache])).stdout) as {
    schemaVersion: number;
  };
  assert.equal(status.schemaVersion, SCHEMA_VERSION);
});
