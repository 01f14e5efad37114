/** time.* built-ins over nanoseconds since the epoch (UTC; a zone name other than UTC is refused). */
import { type Value } from '../value.js';
import { fail, str, type BuiltinTable } from './types.js';

/**
 * Nanoseconds as an exact integer. Values past 2^53 are not exact as doubles; their
 * shortest decimal form (what the policy or JSON wrote) is, so parse that.
 */
function nsBig(n: number): bigint {
  const text = String(Math.trunc(n));
  return /e/i.test(text) ? BigInt(Math.trunc(n)) : BigInt(text);
}

/** Floor division for BigInt (which truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

const MAX_NS = 2n ** 63n;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function instant(name: string, v: Value): Date {
  let ns: Value = v;
  if (Array.isArray(v)) {
    if (v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'string') {
      fail(`${name}: expects \`ns\` to be a \`number\` or \`array[number, string]\``);
    }
    const zone = v[1];
    if (zone !== '' && zone !== 'UTC') fail(`${name}: time zone ${JSON.stringify(zone)} is not supported (UTC only)`);
    ns = v[0];
  }
  if (typeof ns !== 'number') fail(`${name}: expects \`ns\` to be a \`number\` or \`array[number, string]\``);
  return new Date(Math.floor(ns / 1e6));
}

export function parseRfc3339Ns(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return fail(`time.parse_rfc3339_ns: cannot parse ${JSON.stringify(s)} as RFC 3339`);
  const [, y, mo, d, h, mi, se, frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  let offset = 0;
  if (zone !== 'Z' && zone !== 'z')
    offset = (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const nanos = frac ? Number(frac.slice(1, 10).padEnd(9, '0')) : 0;
  return (ms - offset * 60000) * 1e6 + nanos;
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

function parseDuration(s: string): number {
  if (s === '0') return 0;
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) return fail(`time.parse_duration_ns: invalid duration ${JSON.stringify(s)}`);
  let total = 0;
  for (const part of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    total += Number(part[1]) * UNITS[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
}

export const TIME: BuiltinTable = {
  'time.now_ns': { arity: 0, types: [], volatile: true, fn: (_a, ctx) => ctx.nowNs },
  'time.parse_rfc3339_ns': { arity: 1, types: ['string'], fn: ([s]) => parseRfc3339Ns(str(s!)) },
  'time.parse_duration_ns': { arity: 1, types: ['string'], fn: ([s]) => parseDuration(str(s!)) },
  'time.date': {
    arity: 1,
    types: ['number|array'],
    fn: ([v], _c, name) => {
      const d = instant(name, v!);
      return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    },
  },
  'time.clock': {
    arity: 1,
    types: ['number|array'],
    fn: ([v], _c, name) => {
      const d = instant(name, v!);
      return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
    },
  },
  'time.weekday': { arity: 1, types: ['number|array'], fn: ([v], _c, name) => DAYS[instant(name, v!).getUTCDay()]! },
  'time.add_date': {
    arity: 4,
    types: ['number', 'number', 'number', 'number'],
    fn: ([ns, y, m, d]) => {
      const base = nsBig(ns as number);
      const msBig = floorDiv(base, 1_000_000n);
      const rest = base - msBig * 1_000_000n;
      const t = new Date(Number(msBig));
      // Go's AddDate normalises overflowing days (Oct 31 + 1 month = Dec 1), as Date.UTC does.
      const out = Date.UTC(
        t.getUTCFullYear() + (y as number),
        t.getUTCMonth() + (m as number),
        t.getUTCDate() + (d as number),
        t.getUTCHours(),
        t.getUTCMinutes(),
        t.getUTCSeconds(),
        t.getUTCMilliseconds(),
      );
      if (!Number.isFinite(out)) return undefined;
      const result = BigInt(out) * 1_000_000n + rest;
      // Outside int64 nanoseconds (years 1678–2262) there is no answer, as in OPA.
      return result >= MAX_NS || result < -MAX_NS ? undefined : Number(result);
    },
  },
  'time.diff': {
    arity: 2,
    types: ['number|array', 'number|array'],
    fn: ([a, b], _c, name) => {
      let x = instant(name, a!);
      let y = instant(name, b!);
      if (x > y) [x, y] = [y, x];
      let years = y.getUTCFullYear() - x.getUTCFullYear();
      let months = y.getUTCMonth() - x.getUTCMonth();
      let days = y.getUTCDate() - x.getUTCDate();
      let hours = y.getUTCHours() - x.getUTCHours();
      let mins = y.getUTCMinutes() - x.getUTCMinutes();
      let secs = y.getUTCSeconds() - x.getUTCSeconds();
      if (secs < 0) {
        secs += 60;
        mins--;
      }
      if (mins < 0) {
        mins += 60;
        hours--;
      }
      if (hours < 0) {
        hours += 24;
        days--;
      }
      if (days < 0) {
        days += daysIn(x.getUTCFullYear(), x.getUTCMonth());
        months--;
      }
      if (months < 0) {
        months += 12;
        years--;
      }
      return [years, months, days, hours, mins, secs];
    },
  },
  'time.format': {
    arity: 1,
    types: ['number|array'],
    fn: ([v], _c, name) => {
      const d = instant(name, v!);
      const nanos = nsBig(Array.isArray(v) ? (v[0] as number) : (v as number));
      const ns = nanos - floorDiv(nanos, 1_000_000_000n) * 1_000_000_000n;
      const frac = ns === 0n ? '' : `.${ns.toString().padStart(9, '0').replace(/0+$/, '')}`;
      return `${d.toISOString().slice(0, 19)}${frac}Z`;
    },
  },
};
