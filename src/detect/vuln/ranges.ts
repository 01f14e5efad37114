/**
 * OSV's affected-range semantics: explicit `versions`, and `ECOSYSTEM` /
 * `SEMVER` ranges whose events (`introduced`, `fixed`, `last_affected`,
 * `limit`) are evaluated in version order. `GIT` ranges name commits, not
 * versions, and are ignored.
 */
import type { VersionComparator } from '../../version/types.js';
import type { OsvAffected, OsvRange } from '../../vulndb/osv.js';

export interface RangeMatch {
  /** Readable form of what matched (`>=0, <1.2.3` or `version list`). */
  range: string;
  /** `fixed` versions above the installed one, from the matching ranges. */
  fixes: string[];
}

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
interface Event {
  kind: EventKind;
  v: string;
}
const KINDS: EventKind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

/** A range's events as kind + version. Advisories are untrusted JSON: an event whose version is not a string is dropped. */
function eventsOf(r: OsvRange): Event[] {
  const out: Event[] = [];
  for (const e of Array.isArray(r.events) ? r.events : []) {
    if (typeof e !== 'object' || e === null) continue;
    const kind = KINDS.find((k) => e[k] !== undefined);
    const v = kind ? e[kind] : undefined;
    if (kind && typeof v === 'string') out.push({ kind, v });
  }
  return out;
}

const SYMBOL: Record<EventKind, string> = { introduced: '>=', fixed: '<', last_affected: '<=', limit: 'limit ' };

function describe(events: Event[]): string {
  return events.map((e) => `${SYMBOL[e.kind]}${e.v}`).join(', ');
}

/** Compares with `0` as the lowest version of every scheme. */
function cmp(c: VersionComparator, a: string, b: string): number {
  if (a === b) return 0;
  if (a === '0') return -1;
  if (b === '0') return 1;
  return c.compare(a, b);
}

function rangeIncludes(version: string, all: Event[], c: VersionComparator): boolean {
  const events = all.filter((e) => e.v === '0' || (e.kind === 'limit' && e.v === '*') || c.isValid(e.v));
  const limits = events.filter((e) => e.kind === 'limit' && e.v !== '*');
  if (limits.length && limits.every((e) => cmp(c, version, e.v) >= 0)) return false;
  const sorted = events.filter((e) => e.kind !== 'limit').sort((x, y) => cmp(c, x.v, y.v));
  let affected = false;
  for (const e of sorted) {
    if (e.kind === 'introduced') {
      if (cmp(c, version, e.v) >= 0) affected = true;
    } else if (e.kind === 'fixed') {
      if (cmp(c, version, e.v) >= 0) affected = false;
    } else if (cmp(c, version, e.v) > 0) affected = false;
  }
  return affected;
}

/** Undefined when `version` is not affected. Throws InvalidVersionError when `version` cannot be ordered. */
export function matchAffected(version: string, a: OsvAffected, c: VersionComparator): RangeMatch | undefined {
  if (!c.isValid(version)) c.compare(version, version); // throws the comparator's own error
  const ranges: string[] = [];
  const fixes: string[] = [];
  for (const r of Array.isArray(a.ranges) ? a.ranges : []) {
    if (typeof r !== 'object' || r === null || (r.type !== 'ECOSYSTEM' && r.type !== 'SEMVER')) continue;
    const events = eventsOf(r);
    if (!rangeIncludes(version, events, c)) continue;
    ranges.push(describe(events));
    for (const e of events) if (e.kind === 'fixed' && c.isValid(e.v) && cmp(c, e.v, version) > 0) fixes.push(e.v);
  }
  if (
    !ranges.length &&
    (Array.isArray(a.versions) ? a.versions : []).some(
      (v) => typeof v === 'string' && (v === version || (c.isValid(v) && cmp(c, v, version) === 0)),
    )
  )
    ranges.push('version list');
  return ranges.length ? { range: ranges.join(' | '), fixes } : undefined;
}
