/** net.cidr_*, semver.* and units.* built-ins. */
import { compareStrings } from '../value.js';
import { fail, str, type BuiltinTable } from './types.js';

interface Cidr {
  bits: number;
  addr: bigint;
  prefix: number;
}

function parseIp(s: string): { bits: number; addr: bigint } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { bits: 32, addr: parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n) };
  }
  if (!s.includes(':')) return undefined;
  let text = s;
  let tail: bigint[] = [];
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (embedded) {
    const ip4 = parseIp(embedded[1]!);
    if (!ip4) return undefined;
    tail = [ip4.addr >> 16n, ip4.addr & 0xffffn];
    text = text.slice(0, -embedded[1]!.length).replace(/:$/, ':0').replace(/:0$/, '');
    if (text.endsWith(':')) text += '';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const groups = h.split(':');
    if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => BigInt(parseInt(g, 16)));
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = [...head, ...rest, ...tail];
  const missing = 8 - given.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...rest, ...tail];
  return { bits: 128, addr: groups.reduce((a, g) => (a << 16n) | g, 0n) };
}

function parseCidr(name: string, s: string, allowIp: boolean): Cidr {
  const [ip, pre] = s.split('/');
  const parsed = parseIp(ip ?? '');
  if (!parsed) return fail(`${name}: invalid CIDR or IP ${JSON.stringify(s)}`);
  if (pre === undefined) {
    if (!allowIp) fail(`${name}: invalid CIDR ${JSON.stringify(s)}`);
    return { ...parsed, prefix: parsed.bits };
  }
  if (!/^\d+$/.test(pre) || Number(pre) > parsed.bits) fail(`${name}: invalid CIDR ${JSON.stringify(s)}`);
  const prefix = Number(pre);
  const mask = ((1n << BigInt(parsed.bits)) - 1n) ^ ((1n << BigInt(parsed.bits - prefix)) - 1n);
  return { bits: parsed.bits, addr: parsed.addr & mask, prefix };
}

function contains(outer: Cidr, inner: Cidr): boolean {
  if (outer.bits !== inner.bits || inner.prefix < outer.prefix) return false;
  const shift = BigInt(outer.bits - outer.prefix);
  return outer.addr >> shift === inner.addr >> shift;
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function semverParts(name: string, s: string): [number, number, number, string[]] {
  const m = SEMVER.exec(s);
  if (!m || s.startsWith('v')) return fail(`${name}: string ${JSON.stringify(s)} is not a valid SemVer`);
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ? m[4].split('.') : []];
}

function semverCompare(a: string, b: string): number {
  const x = semverParts('semver.compare', a);
  const y = semverParts('semver.compare', b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number) ? -1 : 1;
  const [pa, pb] = [x[3], y[3]];
  if (pa.length === 0 || pb.length === 0) return pa.length === pb.length ? 0 : pa.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const [s, t] = [pa[i]!, pb[i]!];
    if (s === t) continue;
    const [ns, nt] = [/^\d+$/.test(s), /^\d+$/.test(t)];
    if (ns && nt) return Number(s) < Number(t) ? -1 : 1;
    if (ns !== nt) return ns ? -1 : 1;
    return compareStrings(s, t) < 0 ? -1 : 1;
  }
  return pa.length === pb.length ? 0 : pa.length < pb.length ? -1 : 1;
}

const UNIT_FACTORS: Record<string, number> = {
  '': 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  p: 1e15,
  e: 1e18,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
  pi: 1024 ** 5,
  ei: 1024 ** 6,
};

function parseUnits(name: string, s: string, bytes: boolean): number {
  if (/\s/.test(s)) fail(`${name}: spaces not allowed in resource string`);
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(s.replace(/^"|"$/g, ''));
  if (!m) return fail(`${name}: could not parse ${JSON.stringify(s)}`);
  let unit = m[2]!;
  if (bytes) unit = unit.toLowerCase().replace(/b$/, '').replace(/ib?$/, 'i');
  else if (unit === 'm') return Number(m[1]) / 1000;
  else if (unit === 'K') unit = 'k';
  const key = bytes ? unit : unit.toLowerCase();
  const factor = UNIT_FACTORS[key];
  if (factor === undefined || (!bytes && unit !== unit.toUpperCase() && unit !== 'k' && !unit.endsWith('i'))) {
    return fail(`${name}: unknown unit ${JSON.stringify(m[2])}`);
  }
  const n = Number(m[1]) * factor;
  return bytes ? Math.round(n) : n;
}

export const NET: BuiltinTable = {
  'net.cidr_contains': {
    arity: 2,
    types: ['string', 'string'],
    fn: ([a, b]) =>
      contains(parseCidr('net.cidr_contains', str(a!), false), parseCidr('net.cidr_contains', str(b!), true)),
  },
  'net.cidr_intersects': {
    arity: 2,
    types: ['string', 'string'],
    fn: ([a, b]) => {
      const x = parseCidr('net.cidr_intersects', str(a!), false);
      const y = parseCidr('net.cidr_intersects', str(b!), false);
      return contains(x, y) || contains(y, x);
    },
  },
  'net.cidr_is_valid': {
    arity: 1,
    types: ['string'],
    fn: ([a]) => {
      try {
        parseCidr('net.cidr_is_valid', str(a!), false);
        return true;
      } catch {
        return false;
      }
    },
  },
  'semver.is_valid': {
    arity: 1,
    types: ['any'],
    fn: ([v]) => typeof v === 'string' && SEMVER.test(v) && !v.startsWith('v'),
  },
  'semver.compare': { arity: 2, types: ['string', 'string'], fn: ([a, b]) => semverCompare(str(a!), str(b!)) },
  'units.parse_bytes': { arity: 1, types: ['string'], fn: ([s]) => parseUnits('units.parse_bytes', str(s!), true) },
  'units.parse': { arity: 1, types: ['string'], fn: ([s]) => parseUnits('units.parse', str(s!), false) },
};
