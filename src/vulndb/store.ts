/**
 * The database file: SQLite, one table of advisories (the record without its
 * `affected`), one of affected entries keyed for lookup by (ecosystem,
 * package name), per-ecosystem counts, and CVE → CVSS enrichment.
 */
import Database from 'better-sqlite3';
import type { OsvAffected, OsvRecord } from './osv.js';
import { normalisePackageName } from './osv.js';

export const SCHEMA_VERSION = 1;

export interface EcosystemCounts { records: number; skipped: number; withdrawn: number }
export interface DbStatus {
  schemaVersion: number;
  builtAt: string;
  sources: string[];
  ecosystems: Record<string, EcosystemCounts>;
  enrichedCves: number;
}

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE advisory (id TEXT PRIMARY KEY, folder TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE ecosystem_count (folder TEXT PRIMARY KEY, records INTEGER NOT NULL, skipped INTEGER NOT NULL, withdrawn INTEGER NOT NULL);
CREATE TABLE cve_cvss (cve TEXT PRIMARY KEY, data TEXT NOT NULL);
`;

/** Writes a fresh database file; used only on a temporary path that is renamed when complete. */
export class DbWriter {
  private readonly db: Database.Database;
  private readonly insAdvisory: Database.Statement;
  private readonly insAffected: Database.Statement;
  private readonly insCvss: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(SCHEMA);
    this.insAdvisory = this.db.prepare('INSERT OR REPLACE INTO advisory (id, folder, body) VALUES (?, ?, ?)');
    this.insAffected = this.db.prepare('INSERT INTO affected (ecosystem, name, advisory_id, data) VALUES (?, ?, ?, ?)');
    this.insCvss = this.db.prepare('INSERT OR REPLACE INTO cve_cvss (cve, data) VALUES (?, ?)');
  }

  /** Runs `fn` in one transaction (bulk inserts are only fast that way). */
  transaction(fn: () => void): void { this.db.transaction(fn)(); }

  addRecord(folder: string, r: OsvRecord): void {
    const { affected, ...body } = r;
    this.insAdvisory.run(r.id, folder, JSON.stringify(body));
    for (const a of affected ?? []) {
      if (!a.package?.ecosystem || !a.package.name) continue;
      const data: OsvAffected = { ranges: a.ranges, versions: a.versions, ecosystem_specific: a.ecosystem_specific, database_specific: a.database_specific, severity: a.severity };
      this.insAffected.run(a.package.ecosystem, normalisePackageName(a.package.ecosystem, a.package.name), r.id, JSON.stringify(data));
    }
  }

  addCveCvss(cve: string, data: unknown): void { this.insCvss.run(cve, JSON.stringify(data)); }

  finish(status: Omit<DbStatus, 'schemaVersion'>): void {
    const ins = this.db.prepare('INSERT INTO ecosystem_count (folder, records, skipped, withdrawn) VALUES (?, ?, ?, ?)');
    const meta = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    this.transaction(() => {
      for (const [f, c] of Object.entries(status.ecosystems)) ins.run(f, c.records, c.skipped, c.withdrawn);
      meta.run('schema_version', String(SCHEMA_VERSION));
      meta.run('built_at', status.builtAt);
      meta.run('sources', JSON.stringify(status.sources));
    });
    this.db.exec('CREATE INDEX affected_lookup ON affected (ecosystem, name)');
    this.db.exec('ANALYZE');
    this.db.close();
  }

  abandon(): void { try { this.db.close(); } catch { /* already closed */ } }
}

export interface AffectedRow { ecosystem: string; name: string; advisoryId: string; affected: OsvAffected; record: OsvRecord }

/** Read-only access for scans. */
export class VulnDb {
  private readonly db: Database.Database;
  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.db.pragma('mmap_size = 268435456');
  }

  status(): DbStatus {
    const meta = new Map((this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    const ecosystems: Record<string, EcosystemCounts> = {};
    for (const r of this.db.prepare('SELECT folder, records, skipped, withdrawn FROM ecosystem_count ORDER BY folder').all() as { folder: string; records: number; skipped: number; withdrawn: number }[]) {
      ecosystems[r.folder] = { records: r.records, skipped: r.skipped, withdrawn: r.withdrawn };
    }
    const enriched = (this.db.prepare('SELECT count(*) AS n FROM cve_cvss').get() as { n: number }).n;
    return { schemaVersion: Number(meta.get('schema_version') ?? 0), builtAt: meta.get('built_at') ?? '', sources: JSON.parse(meta.get('sources') ?? '[]') as string[], ecosystems, enrichedCves: enriched };
  }

  /** Every affected entry for these names in one ecosystem: one query per batch. */
  lookup(ecosystem: string, names: string[]): AffectedRow[] {
    const out: AffectedRow[] = [];
    const cache = new Map<string, OsvRecord>();
    for (let i = 0; i < names.length; i += 500) {
      const batch = names.slice(i, i + 500).map((n) => normalisePackageName(ecosystem, n));
      const rows = this.db.prepare(`SELECT a.ecosystem, a.name, a.advisory_id AS id, a.data, v.body FROM affected a JOIN advisory v ON v.id = a.advisory_id WHERE a.ecosystem = ? AND a.name IN (${batch.map(() => '?').join(',')})`)
        .all(ecosystem, ...batch) as { ecosystem: string; name: string; id: string; data: string; body: string }[];
      for (const r of rows) {
        let rec = cache.get(r.id);
        if (!rec) { rec = JSON.parse(r.body) as OsvRecord; cache.set(r.id, rec); }
        out.push({ ecosystem: r.ecosystem, name: r.name, advisoryId: r.id, affected: JSON.parse(r.data) as OsvAffected, record: rec });
      }
    }
    return out;
  }

  /** Ecosystem names present that start with `prefix` (e.g. all `Ubuntu:22.04…` variants). */
  ecosystemsLike(prefix: string): string[] {
    return (this.db.prepare('SELECT DISTINCT ecosystem FROM affected WHERE ecosystem >= ? AND ecosystem < ?').all(prefix, prefix + '\uffff') as { ecosystem: string }[]).map((r) => r.ecosystem);
  }

  cveCvss(cve: string): { vector: string; base_score: number }[] | undefined {
    const row = this.db.prepare('SELECT data FROM cve_cvss WHERE cve = ?').get(cve) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as { vector: string; base_score: number }[]) : undefined;
  }

  close(): void { this.db.close(); }
}
