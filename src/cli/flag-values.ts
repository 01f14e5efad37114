/** Parsers for flag values, each failing with a message that names the flag (durations: util/duration.ts). */
import { UserError } from '../util/errors.js';

export function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} must be a non-negative integer, got "${v}"`);
  return n;
}

export { parseDuration } from '../util/duration.js';
