/** The parts of an OSV record (https://ossf.github.io/osv-schema/) customs reads. */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
export interface OsvRange {
  type: string;
  repo?: string;
  events: OsvEvent[];
}
export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
  severity?: OsvSeverity[];
}
export interface OsvSeverity {
  type: string;
  score: string;
}
export interface OsvRecord {
  id: string;
  schema_version?: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  upstream?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: Record<string, unknown>;
}

/** Bounds on one record, far above any real advisory, so a hostile one cannot stall the build or the matcher. */
export const MAX_RANGE_EVENTS = 50_000;
export const MAX_AFFECTED = 50_000;

/** Why a record is unusable, or undefined when it is fine to import. */
export function invalidReason(r: unknown): string | undefined {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'not a JSON object';
  const rec = r as Record<string, unknown>;
  if (typeof rec['id'] !== 'string' || !rec['id'] || rec['id'].length > 256) return 'missing or invalid "id"';
  if (rec['affected'] !== undefined && !Array.isArray(rec['affected'])) return '"affected" is not an array';
  if (((rec['affected'] as unknown[] | undefined) ?? []).length > MAX_AFFECTED)
    return `more than ${MAX_AFFECTED} "affected" entries`;
  let events = 0;
  for (const a of (rec['affected'] as unknown[] | undefined) ?? []) {
    if (typeof a !== 'object' || a === null) return 'an "affected" entry is not an object';
    const ranges = (a as Record<string, unknown>)['ranges'];
    if (ranges !== undefined && !Array.isArray(ranges)) return '"ranges" is not an array';
    for (const range of (ranges as unknown[] | undefined) ?? []) {
      const rg = range as Record<string, unknown>;
      if (!['ECOSYSTEM', 'SEMVER', 'GIT'].includes(String(rg['type'])))
        return `unknown range type "${String(rg['type']).slice(0, 40)}"`;
      if (!Array.isArray(rg['events'])) return 'a range has no "events" array';
      events += rg['events'].length;
      if (events > MAX_RANGE_EVENTS) return `more than ${MAX_RANGE_EVENTS} range events`;
    }
  }
  return undefined;
}
