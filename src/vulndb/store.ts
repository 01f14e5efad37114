/**
 * The database file: SQLite, one table of advisories (the record without its
 * `affected`), one of affected entries keyed for lookup by (ecosystem,
 * package name), per-ecosystem counts, and CVE → CVSS enrichment.
 *
 * Scans open it read-only and memory-mapped, so every page a lookup touches
 * counts in the scanner's memory, with its neighbours: the kernel maps
 * 64 KiB around each page fault. Hence: affected entries are stored
 * clustered by (ecosystem, name) (a WITHOUT ROWID table) and hold only the
 * fields the matcher reads; advisory bodies are read only for the
 * advisories that matched, and are stored in the order of the package they
 * affect, so one package's advisories sit side by side; and the finished
 * file is vacuumed, which lays each table out contiguously in key order.
 * Advisory bodies and CVSS rows, read once each and scattered, are read
 * without the map (see VulnDb).
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { OsvAffected, OsvRecord, OsvSeverity } from './osv.js';
import { firstSentence } from './text.js';
import { normalisePackageName } from '../ecosystem/ecosystems.js';
import { codeInSchema, schemaDifferences } from './schema-check.js';
import { SCHEMA } from './schema.js';
import { UserError } from '../util/errors.js';

/** 3: cve_fact, kev and epss tables (issue 16 items 9, 10, 12). */
export const SCHEMA_VERSION = 3;

export interface EcosystemCounts {
  records: number;
  skipped: number;
  withdrawn: number;
}
export interface DbStatus {
  schemaVersion: number;
  builtAt: string;
  sources: string[];
  ecosystems: Record<string, EcosystemCounts>;
  enrichedCves: number;
  /** CISA's KEV catalog in this database: its version and entries; absent when none was loaded. */
  kev?: { catalogVersion: string; entries: number; source: string };
  /** FIRST's EPSS scores: the model's score date and entries; absent when none were loaded. */
  epss?: { scoreDate: string; entries: number; source: string };
}

/** What one single-CVE record says of its CVE, for findings from other records of the same CVE. */
export interface CveFact {
  advisoryId: string;
  /** The ecosystem folder the record came from (`Debian`, `Go`…). */
  folder: string;
  /** CVSS vectors of the record (record-level and affected-level). */
  cvss?: OsvSeverity[];
  /** A bare CVSS base score the record gives without a vector (rubysec's cvss_v3/cvss_v2). */
  score?: number;
  /** The record's summary, else the first sentence of its details. */
  title?: string;
}

/** One KEV catalog entry, as the report carries it. */
export interface KevEntry {
  dateAdded: string;
  knownRansomwareCampaignUse: string;
  requiredAction: string;
  dueDate: string;
  vendorProject?: string;
  product?: string;
  vulnerabilityName?: string;
}

export interface EpssScore {
  score: number;
  percentile: number;
}

const CVE_ID = /^CVE-\d{4}-\d{4,}$/;

/** Writes a fresh database file; used only on a temporary path that is renamed when complete. */
export class DbWriter {
  private readonly db: Database.Database;
  private readonly insAdvisory: Database.Statement;
  private readonly insAffected: Database.Statement;
  private readonly insCvss: Database.Statement;
  private readonly insFact: Database.Statement;
  private readonly insKev: Database.Statement;
  private readonly insEpss: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    // Affected entries arrive in advisory order but are stored in name order: a large page cache keeps that fast.
    this.db.pragma('cache_size = -131072');
    this.db.exec(SCHEMA);
    this.insAdvisory = this.db.prepare(
      'INSERT OR REPLACE INTO advisory_staging (id, package_key, folder, body) VALUES (?, ?, ?, ?)',
    );
    this.insAffected = this.db.prepare(
      'INSERT OR REPLACE INTO affected (ecosystem, name, advisory_id, seq, data) VALUES (?, ?, ?, ?, ?)',
    );
    this.insCvss = this.db.prepare('INSERT OR REPLACE INTO cve_cvss (cve, data) VALUES (?, ?)');
    this.insFact = this.db.prepare(
      'INSERT OR REPLACE INTO cve_fact (cve, advisory_id, folder, data) VALUES (?, ?, ?, ?)',
    );
    this.insKev = this.db.prepare('INSERT OR REPLACE INTO kev (cve, data) VALUES (?, ?)');
    this.insEpss = this.db.prepare('INSERT OR REPLACE INTO epss (cve, score, percentile) VALUES (?, ?, ?)');
  }

  /** Runs `fn` in one transaction (bulk inserts are only fast that way). */
  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  addRecord(folder: string, r: OsvRecord): void {
    const { affected, ...body } = r;
    let packageKey: string | undefined;
    (affected ?? []).forEach((a, seq) => {
      if (!a.package?.ecosystem || !a.package.name) return;
      const name = normalisePackageName(a.package.ecosystem, a.package.name);
      packageKey ??= `${a.package.ecosystem}\0${name}`;
      this.insAffected.run(a.package.ecosystem, name, r.id, seq, JSON.stringify(matcherFields(a)));
    });
    this.insAdvisory.run(r.id, packageKey ?? '', folder, JSON.stringify(body));
    this.addCveFact(folder, r);
  }

  /**
   * Keeps what a record says of its CVE (CVSS, a title) for findings that
   * come from other records of that CVE. Only records about exactly one CVE:
   * a DSA or USN names many, and its text and rating are about all of them.
   */
  private addCveFact(folder: string, r: OsvRecord): void {
    const cves = [
      ...new Set(
        [r.id, ...(r.aliases ?? []), ...(r.upstream ?? [])].filter((i) => typeof i === 'string' && CVE_ID.test(i)),
      ),
    ];
    if (cves.length !== 1) return;
    const fact: Omit<CveFact, 'advisoryId' | 'folder'> = {};
    const cvss = [...(r.severity ?? []), ...(r.affected ?? []).flatMap((a) => a.severity ?? [])].filter(
      (x) => typeof x?.score === 'string' && x.type.startsWith('CVSS_'),
    );
    if (cvss.length) fact.cvss = [...new Map(cvss.map((x) => [x.score, x])).values()].slice(0, 8);
    const score = Number(r.database_specific?.['cvss_v3'] ?? r.database_specific?.['cvss_v2']);
    if (Number.isFinite(score) && score > 0 && score <= 10) fact.score = score;
    const title =
      typeof r.summary === 'string' && r.summary.trim() ? r.summary.trim().slice(0, 300) : firstSentence(r.details);
    if (title) fact.title = title;
    if (Object.keys(fact).length) this.insFact.run(cves[0], r.id, folder, JSON.stringify(fact));
  }

  addKev(cve: string, entry: KevEntry): void {
    this.insKev.run(cve, JSON.stringify(entry));
  }

  addEpss(cve: string, e: EpssScore): void {
    this.insEpss.run(cve, e.score, e.percentile);
  }

  addCveCvss(cve: string, data: unknown): void {
    this.insCvss.run(cve, JSON.stringify(data));
  }

  finish(status: Omit<DbStatus, 'schemaVersion'>): void {
    const ins = this.db.prepare(
      'INSERT INTO ecosystem_count (folder, records, skipped, withdrawn) VALUES (?, ?, ?, ?)',
    );
    const meta = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    this.transaction(() => {
      for (const [f, c] of Object.entries(status.ecosystems)) ins.run(f, c.records, c.skipped, c.withdrawn);
      meta.run('schema_version', String(SCHEMA_VERSION));
      meta.run('built_at', status.builtAt);
      meta.run('sources', JSON.stringify(status.sources));
      if (status.kev) meta.run('kev', JSON.stringify(status.kev));
      if (status.epss) meta.run('epss', JSON.stringify(status.epss));
    });
    this.db
      .exec(`INSERT INTO advisory (id, folder, body) SELECT id, folder, body FROM advisory_staging ORDER BY package_key, id;
      DROP TABLE advisory_staging;
      ANALYZE;
      VACUUM;`);
    this.db.close();
  }

  abandon(): void {
    try {
      this.db.close();
    } catch {
      /* already closed */
    }
  }
}

/**
 * What the matcher reads of an affected entry (see detect/vuln): version
 * ranges (GIT ranges name commits and are never evaluated), explicit
 * versions, the distribution's urgency and tracker status, and severities.
 */
function matcherFields(a: OsvAffected): OsvAffected {
  const out: OsvAffected = {};
  const ranges = Array.isArray(a.ranges) ? a.ranges.filter((r) => r?.type !== 'GIT') : undefined;
  if (ranges?.length) out.ranges = ranges;
  if (a.versions?.length) out.versions = a.versions;
  const urgency = a.ecosystem_specific?.['urgency'];
  if (urgency !== undefined) out.ecosystem_specific = { urgency };
  const { status, severity } = a.database_specific ?? {};
  if (status !== undefined || severity !== undefined) out.database_specific = { status, severity };
  if (a.severity?.length) out.severity = a.severity;
  return out;
}

export interface AffectedRow {
  ecosystem: string;
  name: string;
  advisoryId: string;
  affected: OsvAffected;
}

/** Names (or ids) per query: far below SQLite's limit on bound parameters. */
const BATCH = 500;

const MMAP_BYTES = 256 * 1024 * 1024;

/**
 * Read-only access for scans. Affected entries, the indexed range reads a
 * match is made of, come through the memory map. Advisory bodies and CVSS
 * rows are records read once each, scattered over the file: through the map
 * the kernel would bring 64 KiB into memory for each, so the connection
 * drops its map before reading them (measured on big-bookworm: 10 MiB
 * less at the peak, no slower), and its pages leave the process with it.
 */
export class VulnDb {
  private readonly db: Database.Database;
  private mapped = false;
  private buildIdentity: string | undefined;
  constructor(private readonly path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      // No function the schema names may run with side effects, and no view or trigger may run at all (schema-check.ts).
      this.db.pragma('trusted_schema = OFF');
      const code = codeInSchema(this.db);
      if (code.length)
        throw new UserError(
          `${path}: the vulnerability database holds ${code.join(', ')}; customs never writes those, so it was altered`,
          'delete it and run `customs db update`, or import a trusted export',
        );
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.map(true);
  }

  /** Refuses a file whose tables and indexes are not exactly the ones this customs writes. */
  assertLayout(): void {
    const diff = schemaDifferences(this.db);
    if (diff.length)
      throw new UserError(
        `${this.path}: not the layout of a customs vulnerability database: ${diff.slice(0, 5).join('; ')}`,
        'delete it and run `customs db update`, or import a trusted export',
      );
  }

  /**
   * Names this build of the database: its build time and the file's identity
   * on disk. An update writes a new file and renames it into place, so any
   * new build changes it; what was derived from one build (cached findings)
   * is keyed by it. The build time is read through this connection: should
   * an update rename a new file into place after this one was opened, the
   * pair names neither build, and nothing keyed by it is ever read again.
   */
  identity(): string {
    if (this.buildIdentity === undefined) {
      const st = statSync(this.path);
      this.buildIdentity = `${this.builtAt()}\0${st.dev}:${st.ino}\0${st.size}\0${st.mtimeMs}`;
    }
    return this.buildIdentity;
  }

  private map(on: boolean): void {
    if (on === this.mapped) return;
    this.db.pragma(`mmap_size = ${on ? MMAP_BYTES : 0}`);
    this.mapped = on;
  }

  /** The layout version the file was written with (0 when it does not say): one row, read before anything else. */
  schemaVersion(): number {
    return Number(this.meta('schema_version') ?? 0);
  }

  /** When the file was built (ISO 8601; empty when it does not say). */
  builtAt(): string {
    return this.meta('built_at') ?? '';
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  status(): DbStatus {
    const meta = new Map(
      (this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [
        r.key,
        r.value,
      ]),
    );
    const ecosystems: Record<string, EcosystemCounts> = {};
    for (const r of this.db
      .prepare('SELECT folder, records, skipped, withdrawn FROM ecosystem_count ORDER BY folder')
      .all() as { folder: string; records: number; skipped: number; withdrawn: number }[]) {
      ecosystems[r.folder] = { records: r.records, skipped: r.skipped, withdrawn: r.withdrawn };
    }
    const enriched = (this.db.prepare('SELECT count(*) AS n FROM cve_cvss').get() as { n: number }).n;
    const out: DbStatus = {
      schemaVersion: Number(meta.get('schema_version') ?? 0),
      builtAt: meta.get('built_at') ?? '',
      sources: JSON.parse(meta.get('sources') ?? '[]') as string[],
      ecosystems,
      enrichedCves: enriched,
    };
    if (meta.has('kev')) out.kev = JSON.parse(meta.get('kev')!) as DbStatus['kev'];
    if (meta.has('epss')) out.epss = JSON.parse(meta.get('epss')!) as DbStatus['epss'];
    return out;
  }

  /**
   * Every affected entry for these names in one ecosystem, one query per batch
   * of names, one row at a time: the caller keeps the few that match.
   */
  *lookup(ecosystem: string, names: string[]): Generator<AffectedRow> {
    this.map(true);
    for (let i = 0; i < names.length; i += BATCH) {
      const batch = names.slice(i, i + BATCH).map((n) => normalisePackageName(ecosystem, n));
      const rows = this.db
        .prepare(
          `SELECT name, advisory_id AS id, data FROM affected WHERE ecosystem = ? AND name IN (${batch.map(() => '?').join(',')})`,
        )
        .iterate(ecosystem, ...batch) as IterableIterator<{ name: string; id: string; data: string }>;
      for (const r of rows)
        yield { ecosystem, name: r.name, advisoryId: r.id, affected: JSON.parse(r.data) as OsvAffected };
    }
  }

  /** The advisories (without `affected`) with these ids: one query per batch, read only once a range matched. */
  advisories(ids: string[]): Map<string, OsvRecord> {
    this.map(false);
    const out = new Map<string, OsvRecord>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += BATCH) {
      const batch = unique.slice(i, i + BATCH);
      const rows = this.db
        .prepare(`SELECT id, body FROM advisory WHERE id IN (${batch.map(() => '?').join(',')})`)
        .all(...batch) as { id: string; body: string }[];
      for (const r of rows) out.set(r.id, JSON.parse(r.body) as OsvRecord);
    }
    return out;
  }

  /** Ecosystem names present that start with `prefix` (e.g. all `Ubuntu:22.04…` variants). */
  ecosystemsLike(prefix: string): string[] {
    return (
      this.db
        .prepare('SELECT DISTINCT ecosystem FROM affected WHERE ecosystem >= ? AND ecosystem < ?')
        .all(prefix, prefix + '\uffff') as { ecosystem: string }[]
    ).map((r) => r.ecosystem);
  }

  cveCvss(cve: string): { vector: string; base_score: number }[] | undefined {
    this.map(false);
    const row = this.db.prepare('SELECT data FROM cve_cvss WHERE cve = ?').get(cve) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as { vector: string; base_score: number }[]) : undefined;
  }

  /** Whether any affected entry names this exact ecosystem (`Maven`, `Debian:12`): one indexed probe. */
  hasEcosystem(ecosystem: string): boolean {
    return this.db.prepare('SELECT 1 FROM affected WHERE ecosystem = ? LIMIT 1').get(ecosystem) !== undefined;
  }

  /** What other single-CVE records say of this CVE (see DbWriter.addCveFact). */
  cveFacts(cve: string): CveFact[] {
    this.map(false);
    const rows = this.db
      .prepare('SELECT advisory_id AS id, folder, data FROM cve_fact WHERE cve = ? ORDER BY advisory_id')
      .all(cve) as { id: string; folder: string; data: string }[];
    return rows.map((r) => ({
      advisoryId: r.id,
      folder: r.folder,
      ...(JSON.parse(r.data) as Omit<CveFact, 'advisoryId' | 'folder'>),
    }));
  }

  /** The KEV catalog's entry for this CVE, when it is known to be exploited. */
  kev(cve: string): KevEntry | undefined {
    this.map(false);
    const row = this.db.prepare('SELECT data FROM kev WHERE cve = ?').get(cve) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as KevEntry) : undefined;
  }

  epss(cve: string): EpssScore | undefined {
    this.map(false);
    return this.db.prepare('SELECT score, percentile FROM epss WHERE cve = ?').get(cve) as EpssScore | undefined;
  }

  /**
   * One digest per (ecosystem, package name) of everything a match reads for
   * it (its affected entries), in key order: comparing two builds' digests
   * names the packages whose advisories changed, so a server re-matches only
   * the inventories that hold them. One pass over the clustered table.
   */
  *affectedFingerprints(): Generator<{ ecosystem: string; name: string; fingerprint: string }> {
    this.map(false);
    const rows = this.db
      .prepare(
        'SELECT ecosystem, name, advisory_id AS id, seq, data FROM affected ORDER BY ecosystem, name, advisory_id, seq',
      )
      .iterate() as IterableIterator<{ ecosystem: string; name: string; id: string; seq: number; data: string }>;
    let current: { ecosystem: string; name: string; hash: ReturnType<typeof createHash> } | undefined;
    for (const r of rows) {
      if (!current || current.ecosystem !== r.ecosystem || current.name !== r.name) {
        if (current)
          yield { ecosystem: current.ecosystem, name: current.name, fingerprint: current.hash.digest('hex') };
        current = { ecosystem: r.ecosystem, name: r.name, hash: createHash('sha256') };
      }
      current.hash.update(`${r.id}\0${r.seq}\0${r.data}\n`);
    }
    if (current) yield { ecosystem: current.ecosystem, name: current.name, fingerprint: current.hash.digest('hex') };
  }

  close(): void {
    this.db.close();
  }
}
