/**
 * Matches an inventory against the database. One query per ecosystem batch
 * for the affected ranges, then one for the bodies of the advisories that
 * matched (most candidates are fixed long ago and never need theirs); every
 * match records the advisory and the range that matched. Findings for the
 * same package and the same CVE, from several advisories, become one.
 */
import type { OSInfo } from '../../model/os.js';
import type { Package } from '../../model/package.js';
import { packageId } from '../../model/package.js';
import type { Vulnerability, VulnStatus } from '../../model/report.js';
import { comparatorFor, normalisePackageName, vendorOf } from '../../ecosystem/ecosystems.js';
import { InvalidVersionError } from '../../version/types.js';
import type { OsvAffected, OsvRecord } from '../../vulndb/osv.js';
import type { AffectedRow, VulnDb } from '../../vulndb/store.js';
import { firstSentence } from '../../vulndb/text.js';
import { CveKnowledge } from './cve-knowledge.js';
import { advisoryName, advisoryVersion, isOsPackage, languageEcosystem, osEcosystems } from './ecosystems.js';
import { matchAffected } from './ranges.js';
import { resolveSeverity } from './severity.js';
import { scalarText } from '../../util/scalar-text.js';

export interface MatchOptions {
  matchOsOwned: boolean;
}
export interface MatchOutput {
  vulnerabilities: Vulnerability[];
  warnings: string[];
}

const CVE = /^CVE-\d{4}-\d{4,}$/;

/** Distribution data that says a fix will not come (see ../shared/osv/README.md: urgency and tracker status). */
function unfixedStatus(a: OsvAffected): VulnStatus {
  const urgency = scalarText(a.ecosystem_specific?.['urgency'], '');
  const status = scalarText(a.database_specific?.['status'], '');
  if (urgency === 'end-of-life' || status === 'end-of-life') return 'end_of_life';
  if (status === 'postponed') return 'fix_deferred';
  if (urgency === 'unimportant' || status === 'no-dsa' || status === 'ignored') return 'will_not_fix';
  return 'affected';
}

function idsOf(r: OsvRecord): string[] {
  return [...new Set([r.id, ...(r.aliases ?? []), ...(r.upstream ?? [])])];
}

function primaryUrl(r: OsvRecord): string | undefined {
  const refs = r.references ?? [];
  return (refs.find((x) => x.type === 'ADVISORY') ?? refs[0])?.url;
}

/** A package whose version falls in an affected entry's ranges, before its advisory is read. */
interface RangeHit {
  p: Package;
  row: AffectedRow;
  range: string;
  fixes: string[];
  compare: (a: string, b: string) => number;
}

function finding({ p, row, range, fixes, compare }: RangeHit, record: OsvRecord, known: CveKnowledge): Vulnerability {
  const ids = idsOf(record);
  const cves = ids.filter((i) => CVE.test(i));
  const sev = resolveSeverity(record, row.affected, vendorOf(row.ecosystem), cves, known);
  const fixed = fixes.sort(compare)[0];
  const v: Vulnerability = {
    id: cves[0] ?? record.id,
    aliases: ids,
    pkgName: p.name,
    pkgId: packageId(p),
    pkgPath: p.filePath,
    purl: p.purl,
    installedVersion: p.version,
    status: fixed ? 'fixed' : unfixedStatus(row.affected),
    severity: sev.severity,
    severitySource: sev.source,
    cvss: sev.cvss,
    references: (record.references ?? []).map((r) => r.url).slice(0, 100),
    matchedBy: [{ advisoryId: record.id, ecosystem: row.ecosystem, range }],
  };
  if (fixed) v.fixedVersion = fixed;
  // Debian's per-CVE records have no summary: the first sentence of theirs, or of another record of the CVE, is the title.
  const title = record.summary?.trim()
    ? record.summary.trim().slice(0, 300)
    : (firstSentence(record.details) ?? known.title(cves, record.id));
  if (title) v.title = title;
  if (record.details) v.description = record.details.slice(0, 4000);
  const kev = known.kev(ids);
  if (kev)
    v.kev = {
      dateAdded: kev.dateAdded,
      knownRansomwareCampaignUse: kev.knownRansomwareCampaignUse,
      requiredAction: kev.requiredAction,
      dueDate: kev.dueDate,
    };
  const epss = known.epss(ids);
  if (epss) v.epss = { score: epss.score, percentile: epss.percentile };
  const url = primaryUrl(record);
  if (url) v.primaryUrl = url;
  if (record.published) v.publishedDate = record.published;
  if (record.modified) v.lastModifiedDate = record.modified;
  if (p.foundIn) v.pkgPaths = p.foundIn;
  if (p.layer) v.layer = p.layer;
  if (p.ownedBy) v.osOwned = true;
  return v;
}

const RANK = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 } as const;

/** Folds a second advisory's finding for the same package and CVE into the first. */
function merge(into: Vulnerability, other: Vulnerability, compare: (a: string, b: string) => number): void {
  into.aliases = [...new Set([...into.aliases, ...other.aliases])];
  into.matchedBy.push(...other.matchedBy);
  if (other.fixedVersion && (!into.fixedVersion || compare(other.fixedVersion, into.fixedVersion) < 0)) {
    into.fixedVersion = other.fixedVersion;
    into.status = 'fixed';
  }
  if (RANK[other.severity] > RANK[into.severity] && into.severity === 'UNKNOWN') {
    into.severity = other.severity;
    into.severitySource = other.severitySource;
  }
  into.cvss.push(...other.cvss.filter((c) => !into.cvss.some((d) => d.vector === c.vector)));
  into.references = [...new Set([...into.references, ...other.references])].slice(0, 100);
  into.title ??= other.title;
  into.description ??= other.description;
  into.primaryUrl ??= other.primaryUrl;
  into.kev ??= other.kev;
  if (other.epss && (!into.epss || other.epss.score > into.epss.score)) into.epss = other.epss;
}

export function matchVulnerabilities(
  db: VulnDb,
  packages: Package[],
  os: OSInfo | undefined,
  opts: MatchOptions,
): MatchOutput {
  const warnings: string[] = [];
  // Group packages by the ecosystems to query.
  const groups = new Map<string, Package[]>();
  const osEcos = osEcosystems(os, (prefix) => db.ecosystemsLike(prefix));
  const unmatchable = new Map<string, number>();
  for (const p of packages) {
    if (p.ownedBy && !opts.matchOsOwned) continue;
    const ecos = isOsPackage(p) ? osEcos : [languageEcosystem(p)].filter((e): e is string => !!e);
    if (!ecos.length) unmatchable.set(p.ecosystem, (unmatchable.get(p.ecosystem) ?? 0) + 1);
    for (const e of ecos) {
      const g = groups.get(e) ?? [];
      g.push(p);
      groups.set(e, g);
    }
  }
  for (const [eco, n] of unmatchable)
    warnings.push(
      `${n} ${eco} package(s) not matched: ${os ? `no advisories are known for ${os.family} ${os.name}` : 'the OS release is unknown'}`,
    );
  const hits: RangeHit[] = [];
  const badVersions = new Set<string>();
  for (const [ecosystem, pkgs] of groups) {
    const comparator = comparatorFor(ecosystem);
    if (!comparator) {
      warnings.push(`no version ordering for ecosystem ${ecosystem}; its packages were not matched`);
      continue;
    }
    const compare = (a: string, b: string): number => comparator.compare(a, b);
    // Packages by the name the database stores; rows come in (name, advisory) order, one at a time.
    const names = new Set<string>();
    const byStoredName = new Map<string, Package[]>();
    for (const p of pkgs) {
      const name = advisoryName(p);
      names.add(name);
      const k = normalisePackageName(ecosystem, name);
      const l = byStoredName.get(k) ?? [];
      l.push(p);
      byStoredName.set(k, l);
    }
    const unorderable = new Set<Package>();
    for (const row of db.lookup(ecosystem, [...names])) {
      for (const p of byStoredName.get(row.name) ?? []) {
        if (unorderable.has(p)) continue;
        let m;
        const version = advisoryVersion(p);
        try {
          m = matchAffected(version, row.affected, comparator);
        } catch (e) {
          unorderable.add(p);
          if (e instanceof InvalidVersionError && !badVersions.has(packageId(p))) {
            badVersions.add(packageId(p));
            const src = version === p.version ? '' : ` (source version ${version})`;
            warnings.push(
              `${p.name} ${p.version}${src} (${p.filePath}): version cannot be ordered as ${comparator.id}; not matched`,
            );
          }
          continue;
        }
        if (m) hits.push({ p, row, range: m.range, fixes: m.fixes, compare });
      }
    }
  }
  const records = db.advisories(hits.map((h) => h.row.advisoryId));
  const found = new Map<string, Vulnerability>();
  const known = new CveKnowledge(db);
  for (const hit of hits) {
    const record = records.get(hit.row.advisoryId);
    if (!record) continue; // an affected entry always has its advisory (one build writes both)
    const v = finding(hit, record, known);
    const key = `${packageId(hit.p)}\0${hit.p.filePath}\0${v.id}`;
    const prev = found.get(key);
    if (prev) merge(prev, v, hit.compare);
    else found.set(key, v);
  }
  return { vulnerabilities: [...found.values()], warnings };
}
