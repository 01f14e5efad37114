/**
 * Index once, re-match on change. When the vulnerability database in the
 * server's cache directory is a new build, the per-package digests of its
 * advisories are compared with those of the build last matched; only the
 * inventories holding a package whose advisories changed are matched again
 * (the package-name index), each recorded as a `rematch` scan with what it
 * found new and what it no longer finds. A full re-match matches all.
 */
import { openRematchDatabase, type MatchInventory } from '../api/rematch.js';
import type { ScanOutcome } from '../api/scan.js';
import type { ServerMetrics } from './metrics.js';
import type { ServerOptions } from './options.js';
import { resultOf } from './scan-job.js';
import type { ServerStore } from './store/store.js';

export interface RematchSummary {
  /** The database build matched against (its build time). */
  database: string;
  /** (ecosystem, package) pairs whose advisories changed since the build last matched. */
  changedPackages: number;
  /** The digests matched again. */
  rematched: string[];
}

export async function rematchChanged(
  store: ServerStore,
  opts: Pick<ServerOptions, 'cacheDir' | 'logger'>,
  full: boolean,
  metrics?: ServerMetrics,
): Promise<RematchSummary> {
  const db = openRematchDatabase(opts.cacheDir);
  try {
    const last = await store.meta('matched_db');
    if (!full && last === db.identity) return { database: db.builtAt, changedPackages: 0, rematched: [] };
    const before = await store.fingerprints();
    const now: { ecosystem: string; name: string; name_key: string; fingerprint: string }[] = [];
    const changedKeys = new Set<string>();
    const seen = new Set<string>();
    let n = 0;
    for (const f of db.fingerprints()) {
      // The pass is synchronous SQLite reads: give the API its turn every so often.
      if (++n % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
      const key = `${f.ecosystem}\0${f.name}`;
      seen.add(key);
      now.push({ ecosystem: f.ecosystem, name: f.name, name_key: f.nameKey, fingerprint: f.fingerprint });
      if (before.get(key)?.fingerprint !== f.fingerprint) changedKeys.add(f.nameKey);
    }
    // A package whose advisories all went away changed too: its findings are now fixed.
    for (const [key, old] of before) if (!seen.has(key)) changedKeys.add(old.nameKey);
    // The first database the server meets is its baseline: the inventories were matched against it when scanned.
    const baseline = last === undefined && before.size === 0;
    const digests = full
      ? await store.allInventoryDigests()
      : baseline
        ? []
        : await store.digestsWithNames([...changedKeys]);
    const rematched: string[] = [];
    for (const digest of digests) {
      const started = process.hrtime.bigint();
      const inv = await store.inventory(digest);
      const image = await store.image(digest);
      const body = image?.lastScan ? await store.report(image.lastScan.id) : undefined;
      if (!inv || !body || !image) continue;
      const stored = JSON.parse(body) as Pick<ScanOutcome, 'report' | 'eosl'>;
      const outcome = db.rematch({ ...stored, redact: [] }, JSON.parse(inv.body) as MatchInventory, opts.logger);
      const ref = `${image.registry}/${image.repository}@${digest}`;
      const scan = await store.createScan(ref, 'rematch');
      await store.recordResult(scan.id, { ...resultOf(ref, outcome, db.builtAt), digest, tag: undefined });
      metrics?.scans.inc({ outcome: 'done', kind: 'rematch' });
      metrics?.duration.observe({ kind: 'rematch' }, Number(process.hrtime.bigint() - started) / 1e9);
      rematched.push(digest);
    }
    await store.replaceFingerprints(now, db.identity);
    opts.logger.info(
      baseline && !full
        ? `recorded the advisories of the database built ${db.builtAt}: later builds re-match what they change`
        : `re-matched ${rematched.length} image(s) against the database built ${db.builtAt} (${changedKeys.size} package name(s) changed)`,
    );
    return { database: db.builtAt, changedPackages: baseline ? 0 : changedKeys.size, rematched };
  } finally {
    db.close();
  }
}
