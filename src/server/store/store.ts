/**
 * The server's record: images, scans and their reports, inventories and
 * their package-name index, findings and what changed, the audit log. Every
 * query is Kysely's, the same on SQLite and PostgreSQL. A scan's results are
 * written in one transaction: a worker that dies half way leaves nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Dialect } from './migrations.js';
import type { Database, ScanKind, ScanStatus } from './schema.js';
import { diffFindings, emptyCounts, type FindingRow, type SeverityCounts } from './findings.js';
import { openDatabase, parseDatabaseUrl } from './connect.js';

/** Rows per INSERT: under SQLite's 32,766 bound variables at 10 columns a row. */
const BATCH = 500;

/** Inserts rows BATCH at a time, so no statement passes SQLite's or PostgreSQL's bound-parameter limit. */
async function insertBatched<T extends keyof Database>(
  trx: Transaction<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH)
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + BATCH))
      .execute();
}

export interface ScanRecord {
  id: string;
  kind: ScanKind;
  status: ScanStatus;
  image: string;
  digest?: string;
  error?: string;
  attempts: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  dbBuiltAt?: string;
}

/** What one finished scan or re-match leaves in the store. */
export interface ScanResult {
  digest: string;
  registry: string;
  repository: string;
  tag?: string;
  /** The report model and the flags render needs, as JSON. */
  report: string;
  /** The match inventory (JSON) and its name keys; absent for a re-match that leaves them as they are. */
  inventory?: { body: string; nameKeys: string[] };
  findings: FindingRow[];
  dbBuiltAt?: string;
}

export interface ImageFilter {
  registry?: string;
  repository?: string;
  severity?: string;
  kev?: boolean;
  fixable?: boolean;
  after?: string;
  limit: number;
}

export interface ImageSummary {
  digest: string;
  registry: string;
  repository: string;
  tags: string[];
  lastScan: { id: string; at: string } | null;
  counts: SeverityCounts;
}

function now(): string {
  return new Date().toISOString();
}

function scanRecord(r: Database['scans']): ScanRecord {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    image: r.requested_ref,
    ...(r.digest ? { digest: r.digest } : {}),
    ...(r.error ? { error: r.error } : {}),
    attempts: Number(r.attempts),
    createdAt: r.created_at,
    ...(r.started_at ? { startedAt: r.started_at } : {}),
    ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
    ...(r.db_built_at ? { dbBuiltAt: r.db_built_at } : {}),
  };
}

export class ServerStore {
  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
  ) {}

  static async open(url: string): Promise<ServerStore> {
    const loc = parseDatabaseUrl(url);
    return new ServerStore(await openDatabase(loc), loc.dialect);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** A trivial query: the store answers (readiness). */
  async ping(): Promise<void> {
    await this.db.selectFrom('meta').select('key').limit(1).execute();
  }

  async createScan(ref: string, kind: ScanKind = 'scan', id: string = randomUUID()): Promise<ScanRecord> {
    const row: Database['scans'] = {
      id,
      kind,
      status: 'queued',
      requested_ref: ref,
      digest: null,
      error: null,
      attempts: 0,
      created_at: now(),
      started_at: null,
      finished_at: null,
      db_built_at: null,
    };
    await this.db.insertInto('scans').values(row).execute();
    return scanRecord(row);
  }

  async scan(id: string): Promise<ScanRecord | undefined> {
    const r = await this.db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? scanRecord(r) : undefined;
  }

  async markRunning(id: string): Promise<void> {
    await this.db
      .updateTable('scans')
      .set((eb) => ({ status: 'running', started_at: now(), attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .execute();
  }

  /** Back to the queue after a failed attempt that will be retried: the error stays visible meanwhile. */
  async markRetrying(id: string, error: string): Promise<void> {
    await this.db.updateTable('scans').set({ status: 'queued', error }).where('id', '=', id).execute();
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('scans')
      .set({ status: 'failed', error, finished_at: now() })
      .where('id', '=', id)
      .where('status', '!=', 'done')
      .execute();
  }

  /** Stores a finished scan's results and marks it done, all in one transaction. */
  async recordResult(scanId: string, result: ScanResult): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const at = now();
      const image = await trx.selectFrom('images').selectAll().where('digest', '=', result.digest).executeTakeFirst();
      const previous = image?.last_scan_id ? await findingRows(trx, image.last_scan_id) : undefined;
      if (image) {
        const tags = new Set(JSON.parse(image.tags) as string[]);
        if (result.tag) tags.add(result.tag);
        await trx
          .updateTable('images')
          .set({ tags: JSON.stringify([...tags].sort()), last_scan_id: scanId, last_scanned_at: at })
          .where('digest', '=', result.digest)
          .execute();
      } else {
        await trx
          .insertInto('images')
          .values({
            digest: result.digest,
            registry: result.registry,
            repository: result.repository,
            tags: JSON.stringify(result.tag ? [result.tag] : []),
            first_seen: at,
            last_scan_id: scanId,
            last_scanned_at: at,
          })
          .execute();
      }
      await trx.insertInto('reports').values({ scan_id: scanId, body: result.report }).execute();
      if (result.inventory) {
        await trx.deleteFrom('inventories').where('digest', '=', result.digest).execute();
        await trx
          .insertInto('inventories')
          .values({ digest: result.digest, scan_id: scanId, body: result.inventory.body, created_at: at })
          .execute();
        await trx.deleteFrom('inventory_names').where('digest', '=', result.digest).execute();
        const names = result.inventory.nameKeys.map((name_key) => ({ name_key, digest: result.digest }));
        await insertBatched(trx, 'inventory_names', names);
      }
      const rows = result.findings.map((f, seq) => ({ ...f, scan_id: scanId, seq, digest: result.digest }));
      await insertBatched(trx, 'findings', rows);
      // The first scan of a digest is its baseline: what later scans and re-matches differ by is the news.
      if (previous) {
        const changes = diffFindings(previous, result.findings).map((c, seq) => ({
          ...c,
          scan_id: scanId,
          seq,
          digest: result.digest,
          at,
        }));
        await insertBatched(trx, 'changes', changes);
      }
      await trx
        .updateTable('scans')
        .set({
          status: 'done',
          digest: result.digest,
          finished_at: at,
          error: null,
          db_built_at: result.dbBuiltAt ?? null,
        })
        .where('id', '=', scanId)
        .execute();
    });
  }

  async listImages(f: ImageFilter): Promise<{ items: ImageSummary[]; next?: string }> {
    let q = this.db
      .selectFrom('images')
      .selectAll()
      .orderBy('digest')
      .limit(f.limit + 1);
    if (f.after) q = q.where('digest', '>', f.after);
    if (f.registry) q = q.where('registry', '=', f.registry);
    if (f.repository) q = q.where('repository', '=', f.repository);
    const having = (
      extra: (qb: ReturnType<typeof this.findingsOfLatest>) => ReturnType<typeof this.findingsOfLatest>,
    ) => extra(this.findingsOfLatest());
    if (f.severity) {
      const sev = f.severity;
      q = q.where((eb) => eb.exists(having((s) => s.where('findings.severity', '=', sev))));
    }
    if (f.kev) q = q.where((eb) => eb.exists(having((s) => s.where('findings.kev', '=', 1))));
    if (f.fixable) q = q.where((eb) => eb.exists(having((s) => s.where('findings.fixed_version', 'is not', null))));
    const rows = await q.execute();
    const page = rows.slice(0, f.limit);
    const counts = await this.countsByScan(page.map((r) => r.last_scan_id).filter((x): x is string => !!x));
    return {
      items: page.map((r) => ({
        digest: r.digest,
        registry: r.registry,
        repository: r.repository,
        tags: JSON.parse(r.tags) as string[],
        lastScan: r.last_scan_id ? { id: r.last_scan_id, at: r.last_scanned_at ?? '' } : null,
        counts: (r.last_scan_id && counts.get(r.last_scan_id)) || emptyCounts(),
      })),
      ...(rows.length > f.limit && page.length ? { next: page[page.length - 1]!.digest } : {}),
    };
  }

  /** The latest scan's findings of the image in the outer query (for EXISTS filters). */
  private findingsOfLatest() {
    return this.db
      .selectFrom('findings')
      .select('findings.seq')
      .whereRef('findings.scan_id', '=', 'images.last_scan_id' as never);
  }

  private async countsByScan(scanIds: string[]): Promise<Map<string, SeverityCounts>> {
    const out = new Map<string, SeverityCounts>();
    if (!scanIds.length) return out;
    const rows = await this.db
      .selectFrom('findings')
      .select(['scan_id', 'severity', (eb) => eb.fn.countAll().as('n')])
      .where('scan_id', 'in', scanIds)
      .groupBy(['scan_id', 'severity'])
      .execute();
    for (const r of rows) {
      const c = out.get(r.scan_id) ?? emptyCounts();
      if (r.severity in c) c[r.severity as keyof SeverityCounts] = Number(r.n);
      out.set(r.scan_id, c);
    }
    return out;
  }

  async image(digest: string): Promise<ImageSummary | undefined> {
    const r = await this.db.selectFrom('images').selectAll().where('digest', '=', digest).executeTakeFirst();
    if (!r) return undefined;
    const counts = r.last_scan_id ? await this.countsByScan([r.last_scan_id]) : new Map<string, SeverityCounts>();
    return {
      digest: r.digest,
      registry: r.registry,
      repository: r.repository,
      tags: JSON.parse(r.tags) as string[],
      lastScan: r.last_scan_id ? { id: r.last_scan_id, at: r.last_scanned_at ?? '' } : null,
      counts: (r.last_scan_id && counts.get(r.last_scan_id)) || emptyCounts(),
    };
  }

  /** The stored report of a scan (JSON text). */
  async report(scanId: string): Promise<string | undefined> {
    return (await this.db.selectFrom('reports').select('body').where('scan_id', '=', scanId).executeTakeFirst())?.body;
  }

  /** Every finished scan and re-match of a digest, oldest first, with counts and what changed. */
  async history(digest: string) {
    const scans = await this.db
      .selectFrom('scans')
      .selectAll()
      .where('digest', '=', digest)
      .where('status', '=', 'done')
      .orderBy('finished_at')
      .orderBy('id')
      .execute();
    const counts = await this.countsByScan(scans.map((s) => s.id));
    const changes = await this.db
      .selectFrom('changes')
      .select(['scan_id', 'change', 'vulnerability_id', 'pkg_name', 'installed_version'])
      .where('digest', '=', digest)
      .orderBy('scan_id')
      .orderBy('seq')
      .execute();
    return scans.map((s) => ({
      scan: scanRecord(s),
      counts: counts.get(s.id) ?? emptyCounts(),
      new: changes
        .filter((c) => c.scan_id === s.id && c.change === 'new')
        .map(({ vulnerability_id, pkg_name, installed_version }) => ({
          vulnerability_id,
          pkg_name,
          installed_version,
        })),
      fixed: changes
        .filter((c) => c.scan_id === s.id && c.change === 'fixed')
        .map(({ vulnerability_id, pkg_name, installed_version }) => ({
          vulnerability_id,
          pkg_name,
          installed_version,
        })),
    }));
  }

  /** Every image whose latest findings include this vulnerability. */
  async affectedBy(vulnerabilityId: string) {
    const rows = await this.db
      .selectFrom('findings')
      .innerJoin('images', 'images.last_scan_id', 'findings.scan_id')
      .select([
        'images.digest',
        'images.registry',
        'images.repository',
        'images.tags',
        'findings.pkg_name',
        'findings.installed_version',
        'findings.pkg_path',
        'findings.fixed_version',
        'findings.severity',
        'findings.kev',
      ])
      .where('findings.vulnerability_id', '=', vulnerabilityId)
      .orderBy('images.digest')
      .orderBy('findings.seq')
      .execute();
    return rows.map((r) => ({
      digest: r.digest,
      registry: r.registry,
      repository: r.repository,
      tags: JSON.parse(r.tags) as string[],
      pkgName: r.pkg_name,
      installedVersion: r.installed_version,
      pkgPath: r.pkg_path,
      ...(r.fixed_version ? { fixedVersion: r.fixed_version } : {}),
      severity: r.severity,
      kev: Number(r.kev) === 1,
    }));
  }

  async latestFindings(digest: string): Promise<FindingRow[]> {
    const img = await this.db
      .selectFrom('images')
      .select('last_scan_id')
      .where('digest', '=', digest)
      .executeTakeFirst();
    return img?.last_scan_id ? findingRows(this.db, img.last_scan_id) : [];
  }

  /** The digests whose inventories hold a package under one of these name keys. */
  async digestsWithNames(nameKeys: string[]): Promise<string[]> {
    const out = new Set<string>();
    for (let i = 0; i < nameKeys.length; i += BATCH) {
      const rows = await this.db
        .selectFrom('inventory_names')
        .select('digest')
        .distinct()
        .where('name_key', 'in', nameKeys.slice(i, i + BATCH))
        .execute();
      for (const r of rows) out.add(r.digest);
    }
    return [...out].sort();
  }

  async allInventoryDigests(): Promise<string[]> {
    return (await this.db.selectFrom('inventories').select('digest').orderBy('digest').execute()).map((r) => r.digest);
  }

  async inventory(digest: string): Promise<{ scanId: string; body: string } | undefined> {
    const r = await this.db
      .selectFrom('inventories')
      .select(['scan_id', 'body'])
      .where('digest', '=', digest)
      .executeTakeFirst();
    return r ? { scanId: r.scan_id, body: r.body } : undefined;
  }

  async meta(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async fingerprints(): Promise<Map<string, { nameKey: string; fingerprint: string }>> {
    const rows = await this.db.selectFrom('advisory_fingerprints').selectAll().execute();
    return new Map(rows.map((r) => [`${r.ecosystem}\0${r.name}`, { nameKey: r.name_key, fingerprint: r.fingerprint }]));
  }

  /** Replaces the advisory digests and records the database they describe, in one transaction. */
  async replaceFingerprints(
    rows: { ecosystem: string; name: string; name_key: string; fingerprint: string }[],
    dbIdentity: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('advisory_fingerprints').execute();
      await insertBatched(trx, 'advisory_fingerprints', rows);
      await trx
        .insertInto('meta')
        .values({ key: 'matched_db', value: dbIdentity })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: dbIdentity }))
        .execute();
    });
  }

  /** Records a notification's event id; false when it was already recorded (a redelivery). */
  async firstDelivery(eventId: string): Promise<boolean> {
    const r = await this.db
      .insertInto('webhook_events')
      .values({ id: eventId, received_at: now(), scan_id: null })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async linkDelivery(eventId: string, scanId: string): Promise<void> {
    await this.db.updateTable('webhook_events').set({ scan_id: scanId }).where('id', '=', eventId).execute();
  }

  /** The digest a watched tag pointed at when last polled (undefined: never seen). */
  async watchedDigest(registry: string, repository: string, tag: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('watched_tags')
      .select('digest')
      .where('registry', '=', registry)
      .where('repository', '=', repository)
      .where('tag', '=', tag)
      .executeTakeFirst();
    return r?.digest;
  }

  async setWatchedDigest(registry: string, repository: string, tag: string, digest: string): Promise<void> {
    await this.db
      .insertInto('watched_tags')
      .values({ registry, repository, tag, digest, checked_at: now() })
      .onConflict((oc) => oc.columns(['registry', 'repository', 'tag']).doUpdateSet({ digest, checked_at: now() }))
      .execute();
  }

  async audit(entry: { actor: string; action: string; resource: string; result: string }): Promise<void> {
    await this.db
      .insertInto('audit')
      .values({ at: now(), ...entry })
      .execute();
  }

  /** Audit rows newest first, `limit` of them, below id `before` when given (the cursor of the previous page). */
  async auditPage(limit: number, before?: number) {
    let q = this.db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(limit);
    if (before !== undefined) q = q.where('id', '<', before);
    return q.execute();
  }

  async auditLog(limit: number) {
    return this.db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }

  async countScans(status: ScanStatus): Promise<number> {
    const r = await this.db
      .selectFrom('scans')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', status)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Findings by severity over every image's latest scan (the metrics gauge). */
  async latestCountsBySeverity(): Promise<SeverityCounts> {
    const rows = await this.db
      .selectFrom('findings')
      .innerJoin('images', 'images.last_scan_id', 'findings.scan_id')
      .select(['findings.severity', (eb) => eb.fn.countAll().as('n')])
      .groupBy('findings.severity')
      .execute();
    const c = emptyCounts();
    for (const r of rows) if (r.severity in c) c[r.severity as keyof SeverityCounts] = Number(r.n);
    return c;
  }
}

async function findingRows(db: Kysely<Database> | Transaction<Database>, scanId: string): Promise<FindingRow[]> {
  return db
    .selectFrom('findings')
    .select(['vulnerability_id', 'pkg_name', 'installed_version', 'pkg_path', 'fixed_version', 'severity', 'kev'])
    .where('scan_id', '=', scanId)
    .orderBy('seq')
    .execute();
}
