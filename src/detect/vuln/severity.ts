/**
 * A finding's severity, in order of trust: the advisory's own rating
 * (distribution urgency/priority, database_specific severity), then CVSS
 * vectors in the record scored with a real calculator, then a bare score
 * the record gives, then the CVSS that another record of the same CVE
 * gives (another ecosystem's advisory, a distribution's: Go's advisories
 * carry none, Debian's usually do), then the CVE → CVSS file. The source
 * is always named. UNKNOWN only when nothing anywhere scores it.
 */
import { createRequire } from 'node:module';
import type { CvssScore, Severity } from '../../model/report.js';
import type { OsvAffected, OsvRecord, OsvSeverity } from '../../vulndb/osv.js';
import type { CveFact } from '../../vulndb/store.js';
import { vendorOf } from '../../ecosystem/ecosystems.js';

const require = createRequire(import.meta.url);
interface CvssClass {
  new (vector: string): { calculateScores(): { base?: number; overall?: number } };
}
type CvssLib = { Cvss2: CvssClass; Cvss3P0: CvssClass; Cvss3P1: CvssClass; Cvss4P0: CvssClass };
let lib: CvssLib | undefined;
/** Loaded when the first vector is scored: inventory-only scans never need it. */
const cvss = (): CvssLib => (lib ??= require('ae-cvss-calculator') as CvssLib);

export function severityOfScore(score: number): Severity {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score > 0) return 'LOW';
  return 'UNKNOWN';
}

type Scored = Pick<CvssScore, 'version' | 'score'>;

/** Vectors recur across findings (one CVE in many packages, common vectors): each is scored once. */
const scored = new Map<string, Scored | null>();
const MAX_SCORED = 20_000;

/** Scores one vector; undefined when the calculator rejects it. */
export function scoreVector(type: string, vector: string, source: string): CvssScore | undefined {
  const key = `${type}\0${vector}`;
  let s = scored.get(key);
  if (s === undefined) {
    s = calculate(type, vector) ?? null;
    if (scored.size >= MAX_SCORED) scored.clear();
    scored.set(key, s);
  }
  return s ? { source, version: s.version, vector, score: s.score } : undefined;
}

function calculate(type: string, vector: string): Scored | undefined {
  try {
    if (type === 'CVSS_V4' || vector.startsWith('CVSS:4.0/'))
      return { version: '4.0', score: new (cvss().Cvss4P0)(vector).calculateScores().base ?? 0 };
    if (vector.startsWith('CVSS:3.1/'))
      return { version: '3.1', score: new (cvss().Cvss3P1)(vector).calculateScores().base ?? 0 };
    if (vector.startsWith('CVSS:3.0/'))
      return { version: '3.0', score: new (cvss().Cvss3P0)(vector).calculateScores().base ?? 0 };
    if (type === 'CVSS_V2') return { version: '2.0', score: new (cvss().Cvss2)(vector).calculateScores().base ?? 0 };
  } catch {
    /* not a vector the calculator accepts */
  }
  return undefined;
}

const WORDS: Record<string, Severity> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  important: 'HIGH',
  moderate: 'MEDIUM',
  medium: 'MEDIUM',
  low: 'LOW',
  negligible: 'LOW',
  unimportant: 'LOW',
};

function wordSeverity(s: unknown): Severity | undefined {
  return typeof s === 'string' ? WORDS[s.trim().toLowerCase()] : undefined;
}

export interface SeverityResult {
  severity: Severity;
  source: string;
  cvss: CvssScore[];
}

/** What the database knows of a CVE beyond the advisory at hand. */
export interface CveLookup {
  /** Other single-CVE records of this CVE. */
  facts(cve: string): CveFact[];
  /** The CVE → CVSS file's vectors. */
  cveCvss(cve: string): { vector: string; base_score: number }[] | undefined;
}

/**
 * What another record gives one of these CVEs: the vector of the newest CVSS
 * version (first record by id on a tie), else a bare score (which has no
 * vector, so it rates the finding without a CVSS entry).
 */
function fromOtherRecords(
  cves: string[],
  selfId: string,
  lookup: CveLookup,
): { source: string; score: number; vector?: CvssScore } | undefined {
  let best: CvssScore | undefined;
  let bare: { source: string; score: number } | undefined;
  for (const cve of cves) {
    for (const f of lookup.facts(cve)) {
      if (f.advisoryId === selfId) continue;
      const vendor = vendorOf(f.folder);
      for (const s of f.cvss ?? []) {
        const scored = scoreVector(s.type, s.score, vendor);
        if (scored && (!best || Number(scored.version) > Number(best.version))) best = scored;
      }
      if (f.score !== undefined) bare ??= { source: vendor, score: f.score };
    }
    if (best) return { source: best.source, score: best.score, vector: best };
  }
  return bare;
}

/** `vendor` names the advisory source for the report (`debian`, `ubuntu`, `alpine`, `ghsa`…). */
export function resolveSeverity(
  rec: OsvRecord,
  aff: OsvAffected,
  vendor: string,
  cves: string[],
  lookup: CveLookup,
): SeverityResult {
  const cvss: CvssScore[] = [];
  for (const s of [...(rec.severity ?? []), ...(aff.severity ?? [])] as OsvSeverity[]) {
    const score = scoreVector(s.type, s.score, vendor);
    if (score) cvss.push(score);
  }
  const own =
    wordSeverity(aff.ecosystem_specific?.['urgency']) ??
    wordSeverity(rec.database_specific?.['severity']) ??
    wordSeverity(aff.database_specific?.['severity']) ??
    wordSeverity((rec.severity ?? []).find((s) => s.type === 'Ubuntu')?.score);
  if (own) return { severity: own, source: vendor, cvss };
  const best = [...cvss].sort((a, b) => Number(b.version) - Number(a.version))[0];
  if (best) return { severity: severityOfScore(best.score), source: `${vendor}-cvss`, cvss };
  const dbScore = Number(rec.database_specific?.['cvss_v3'] ?? rec.database_specific?.['cvss_v2']);
  if (Number.isFinite(dbScore) && dbScore > 0) return { severity: severityOfScore(dbScore), source: vendor, cvss };
  const other = fromOtherRecords(cves, rec.id, lookup);
  if (other)
    return {
      severity: severityOfScore(other.score),
      source: other.source,
      cvss: other.vector ? [...cvss, other.vector] : cvss,
    };
  for (const cve of cves) {
    const e = lookup.cveCvss(cve);
    const first = e?.[0];
    if (!first) continue;
    const scored = scoreVector('CVSS_V3', first.vector, 'cve-cvss3') ?? {
      source: 'cve-cvss3',
      version: '3.1' as const,
      vector: first.vector,
      score: first.base_score,
    };
    return { severity: severityOfScore(scored.score), source: 'cve-cvss3', cvss: [...cvss, scored] };
  }
  return { severity: 'UNKNOWN', source: '', cvss };
}
