/** Durations as Trivy writes them, and ages as a person reads them. */
import { UserError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as Trivy takes them: `90s`, `5m`, `1h30m`, `5m0s`; a bare number is seconds. */
export function parseDuration(v: string, flag: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== v)
    throw new UserError(`${flag} must be a duration like 90s, 5m or 1h, got "${v}"`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/** `3 h old`, `2 days old`: how old, as a person reads it. */
export function describeAge(ms: number): string {
  const h = ms / 3_600_000;
  if (!Number.isFinite(h)) return 'of unknown age';
  if (h < 1) return `${Math.max(0, Math.floor(h * 60))} min old`;
  if (h < 48) return `${Math.floor(h)} h old`;
  return `${Math.floor(h / 24)} days old`;
}

/** A duration as Trivy writes one (`24h`, `90m`, `45s`), the largest whole unit. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
