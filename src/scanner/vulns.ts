/** Adds vulnerability findings to the package results of a report. */
import type { Artifact } from '../model/artifact.js';
import type { LayerCache } from '../artifact/layer-cache.js';
import { describeUnchecked, uncheckedPackages } from '../detect/vuln/coverage.js';
import { packageId } from '../model/package.js';
import { matchVulnerabilities } from '../detect/vuln/matcher.js';
import type { Report } from '../model/report.js';
import type { Logger } from '../util/log.js';
import type { VulnDb } from '../vulndb/store.js';
import { cachedMatch, findingsKey } from './findings-cache.js';

export interface DetectOptions {
  matchOsOwned: boolean;
  logger: Logger;
  /** Where findings are kept between scans (the layer cache); none with --no-cache. */
  cache?: LayerCache;
}

export function detectVulnerabilities(report: Report, artifact: Artifact, db: VulnDb, opts: DetectOptions): Report {
  const matchOpts = { matchOsOwned: opts.matchOsOwned };
  const match = () => matchVulnerabilities(db, artifact.packages, artifact.os, matchOpts);
  const { vulnerabilities, warnings } = opts.cache
    ? cachedMatch(opts.cache, findingsKey(db.identity(), artifact.packages, artifact.os, matchOpts), match)
    : match();
  const byPackage = new Map<string, typeof vulnerabilities>();
  for (const v of vulnerabilities) {
    const k = `${v.pkgId}\0${v.purl}\0${v.pkgPath ?? ''}`;
    const l = byPackage.get(k) ?? [];
    l.push(v);
    byPackage.set(k, l);
  }
  const notChecked: string[] = [];
  const results = report.results.map((r) => {
    if (r.class !== 'os-pkgs' && r.class !== 'lang-pkgs') return r;
    const vulns = (r.packages ?? []).flatMap((p) => byPackage.get(`${packageId(p)}\0${p.purl}\0${p.filePath}`) ?? []);
    const unchecked = uncheckedPackages(db, r.packages ?? [], artifact.os, opts.matchOsOwned);
    for (const u of unchecked)
      notChecked.push(`${r.target}: ${describeUnchecked(u)}; they were not checked for vulnerabilities`);
    return unchecked.length ? { ...r, vulnerabilities: vulns, unchecked } : { ...r, vulnerabilities: vulns };
  });
  return { ...report, results, warnings: [...report.warnings, ...warnings, ...notChecked] };
}
