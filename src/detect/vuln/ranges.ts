/**
 * OSV's affected-range semantics: explicit `versions`, and `ECOSYSTEM` /
 * `SEMVER` ranges whose events (`introduced`, `fixed`, `last_affected`,
 * `limit`) are evaluated in version order. `GIT` ranges name commits, not
 * versions, and are ignored.
 */
import type { VersionComparator } from '../../version/types.js';
import type { OsvAffected, OsvEvent, OsvRange } from '../../vulndb/osv.js';

export interface RangeMatch {
  /** Readable form of what matched (`>=0, <1.2.3` or `version list`). */
  range: string;
  /** `fixed` versions above the installed one, from the matching ranges. */
  fixes: string[];
}

function eventVersion(e: OsvEvent): string | undefined {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit;
}

function describe(r: OsvRange): string {
  return r.events.map((e) =>
    e.introduced !== undefined ? `>=${e.introduced}` : e.fixed !== undefined ? `<${e.fixed}` : e.last_affected !== undefined ? `<=${e.last_affected}` : `limit ${e.limit}`).join(', ');
}

/** Compares with `0` as the lowest version of every scheme. */
function cmp(c: VersionComparator, a: string, b: string): number {
  if (a === b) return 0;
  if (a === '0') return -1;
  if (b === '0') return 1;
  return c.compare(a, b);
}

function rangeIncludes(version: string, r: OsvRange, c: VersionComparator): boolean {
  const events = r.events.filter((e) => eventVersion(e) !== undefined && (eventVersion(e) === '0' || c.isValid(eventVersion(e)!)));
  const limits = events.filter((e) => e.limit !== undefined && e.limit !== '*');
  if (limits.length && limits.every((e) => cmp(c, version, e.limit!) >= 0)) return false;
  const sorted = events.filter((e) => e.limit === undefined).sort((x, y) => cmp(c, eventVersion(x)!, eventVersion(y)!));
  let affected = false;
  for (const e of sorted) {
    if (e.introduced !== undefined) { if (cmp(c, version, e.introduced) >= 0) affected = true; }
    else if (e.fixed !== undefined) { if (cmp(c, version, e.fixed) >= 0) affected = false; }
    else if (e.last_affected !== undefined) { if (cmp(c, version, e.last_affected) > 0) affected = false; }
  }
  return affected;
}

/** Undefined when `version` is not affected. Throws InvalidVersionError when `version` cannot be ordered. */
export function matchAffected(version: string, a: OsvAffected, c: VersionComparator): RangeMatch | undefined {
  if (!c.isValid(version)) c.compare(version, version); // throws the comparator's own error
  const ranges: string[] = [];
  const fixes: string[] = [];
  for (const r of a.ranges ?? []) {
    if (r.type !== 'ECOSYSTEM' && r.type !== 'SEMVER') continue;
    if (!rangeIncludes(version, r, c)) continue;
    ranges.push(describe(r));
    for (const e of r.events) if (e.fixed !== undefined && c.isValid(e.fixed) && cmp(c, e.fixed, version) > 0) fixes.push(e.fixed);
  }
  if (!ranges.length && (a.versions ?? []).some((v) => v === version || (c.isValid(v) && cmp(c, v, version) === 0))) ranges.push('version list');
  return ranges.length ? { range: ranges.join(' | '), fixes } : undefined;
}
