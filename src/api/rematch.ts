/**
 * Matching a stored inventory against the database again, without the
 * image: what a server does when advisories change (Clair's "index once,
 * match on change"). The inventory is what matching read during the scan
 * (the packages and the OS); the report is the scan's own, whose
 * vulnerability findings are replaced. A re-match of an unchanged database
 * gives the scan's findings exactly: the same matcher reads the same input.
 */
import { createHash } from 'node:crypto';
import type { Report } from '../model/report.js';
import { detectVulnerabilities } from '../scanner/vulns.js';
import { silentLogger, type Logger } from '../util/log.js';
import type { VulnDb } from '../vulndb/store.js';
import { openDb } from '../vulndb/update.js';
import { packageNameKey, type MatchInventory } from './inventory.js';
import type { ScanOutcome } from './scan.js';

export { inventoryNameKeys, packageNameKey, type MatchInventory } from './inventory.js';

/** One database build opened for re-matching many inventories in turn. */
export interface RematchDatabase {
  /** Names this build (hex): changes when an update renames a new file into place. */
  readonly identity: string;
  readonly builtAt: string;
  /** Each (ecosystem, package name) with a digest of its advisories; diff two builds' to find what changed. */
  fingerprints(): Iterable<{ ecosystem: string; name: string; nameKey: string; fingerprint: string }>;
  rematch(
    outcome: Pick<ScanOutcome, 'report' | 'redact' | 'eosl'>,
    inventory: MatchInventory,
    logger?: Logger,
  ): ScanOutcome;
  close(): void;
}

/** The report with the last detection's findings and warnings taken out. */
function withoutFindings(report: Report, detectionWarnings: string[]): Report {
  const drop = new Map<string, number>();
  for (const w of detectionWarnings) drop.set(w, (drop.get(w) ?? 0) + 1);
  const warnings = report.warnings.filter((w) => {
    const n = drop.get(w) ?? 0;
    if (n === 0) return true;
    drop.set(w, n - 1);
    return false;
  });
  const results = report.results.map((r) => {
    if (r.class !== 'os-pkgs' && r.class !== 'lang-pkgs') return r;
    const { vulnerabilities: _v, unchecked: _u, ...rest } = r;
    return rest;
  });
  return { ...report, results, warnings };
}

/** Opens the database in `cacheDir` read-only, as it is (never built or refreshed here). */
export function openRematchDatabase(cacheDir: string): RematchDatabase {
  const db: VulnDb = openDb(cacheDir);
  return {
    // Hashed: the raw identity holds NUL separators, which PostgreSQL text cannot store.
    identity: createHash('sha256').update(db.identity()).digest('hex'),
    builtAt: db.builtAt(),
    *fingerprints() {
      for (const f of db.affectedFingerprints()) yield { ...f, nameKey: packageNameKey(f.name) };
    },
    rematch(outcome, inventory, logger = silentLogger) {
      const base = withoutFindings(outcome.report, inventory.detectionWarnings);
      const artifact = {
        os: inventory.os,
        packages: inventory.packages,
        applications: [],
        layers: [],
        warnings: [],
        merged: { current: [], removed: [], symlinks: new Map<string, string>(), setidFiles: [], warnings: [] },
      };
      const report = detectVulnerabilities(base, artifact, db, { matchOsOwned: inventory.matchOsOwned, logger });
      const detectionWarnings = report.warnings.slice(base.warnings.length);
      return {
        report: { ...report, createdAt: new Date().toISOString() },
        redact: outcome.redact,
        eosl: outcome.eosl,
        inventory: { ...inventory, detectionWarnings },
      };
    },
    close: () => db.close(),
  };
}
