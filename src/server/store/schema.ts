/**
 * The server's tables as Kysely sees them: the same on SQLite and
 * PostgreSQL. Times are ISO 8601 text (one representation on both, ordered
 * as text); JSON documents are text; flags are 0/1 integers.
 */
import type { Generated } from 'kysely';

export interface ImagesTable {
  digest: string;
  registry: string;
  repository: string;
  /** JSON array of the tags the image was scanned under. */
  tags: string;
  first_seen: string;
  last_scan_id: string | null;
  last_scanned_at: string | null;
}

export type ScanStatus = 'queued' | 'running' | 'done' | 'failed';
export type ScanKind = 'scan' | 'rematch';

export interface ScansTable {
  id: string;
  kind: ScanKind;
  status: ScanStatus;
  requested_ref: string;
  digest: string | null;
  error: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The vulnerability database build the findings came from. */
  db_built_at: string | null;
}

/** The report model of a finished scan (JSON), rendered on request in any format. */
export interface ReportsTable {
  scan_id: string;
  body: string;
}

/** What matching read for a digest (api/rematch.ts MatchInventory, JSON): never pulled again. */
export interface InventoriesTable {
  digest: string;
  scan_id: string;
  body: string;
  created_at: string;
}

/** The package-name index: which inventories a changed advisory can touch. */
export interface InventoryNamesTable {
  name_key: string;
  digest: string;
}

export interface FindingsTable {
  scan_id: string;
  seq: number;
  digest: string;
  vulnerability_id: string;
  pkg_name: string;
  installed_version: string;
  pkg_path: string;
  fixed_version: string | null;
  severity: string;
  kev: number;
}

/** What a scan or re-match found new, or no longer found, compared with the digest's previous findings. */
export interface ChangesTable {
  scan_id: string;
  seq: number;
  digest: string;
  change: 'new' | 'fixed';
  vulnerability_id: string;
  pkg_name: string;
  installed_version: string;
  at: string;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  resource: string;
  result: string;
}

/** The SQLite queue (queue/sqlite-queue.ts); unused on PostgreSQL, where pg-boss keeps its own. */
export interface JobsTable {
  id: string;
  lock_key: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  lease_until: string | null;
  owner: string | null;
  created_at: string;
  last_error: string | null;
}

/** The advisories' digests per (ecosystem, package) as of the last database the server matched against. */
export interface AdvisoryFingerprintsTable {
  ecosystem: string;
  name: string;
  name_key: string;
  fingerprint: string;
}

export interface WebhookEventsTable {
  id: string;
  received_at: string;
  scan_id: string | null;
}

/** The digest each watched tag pointed at when last polled. */
export interface WatchedTagsTable {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
  checked_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  images: ImagesTable;
  scans: ScansTable;
  reports: ReportsTable;
  inventories: InventoriesTable;
  inventory_names: InventoryNamesTable;
  findings: FindingsTable;
  changes: ChangesTable;
  audit: AuditTable;
  jobs: JobsTable;
  advisory_fingerprints: AdvisoryFingerprintsTable;
  meta: MetaTable;
  webhook_events: WebhookEventsTable;
  watched_tags: WatchedTagsTable;
}
