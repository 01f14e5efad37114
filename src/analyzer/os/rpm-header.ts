/**
 * rpm header blobs, as the rpm database stores them: an index of
 * (tag, type, offset, count) entries over a data store. Every read is
 * bounds-checked: the blob comes from the image.
 */
export interface RpmHeader {
  strings: Map<number, string[]>;
  ints: Map<number, number[]>;
}

export const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  LICENSE: 1014,
  VENDOR: 1011,
  PACKAGER: 1015,
  ARCH: 1022,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
} as const;

const WANTED = new Set<number>(Object.values(TAG));
const TYPE = { INT32: 4, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 } as const;
const MAX_INDEX = 100_000;

export function parseRpmHeader(blob: Buffer): RpmHeader {
  if (blob.length < 8) throw new Error('header blob shorter than 8 bytes');
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il > MAX_INDEX || 8 + il * 16 + dl > blob.length)
    throw new Error(`header index (${il} entries, ${dl} data bytes) does not fit the ${blob.length}-byte blob`);
  const dataStart = 8 + il * 16;
  const data = blob.subarray(dataStart, dataStart + dl);
  const strings = new Map<number, string[]>();
  const ints = new Map<number, number[]>();
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = blob.readUInt32BE(e);
    if (!WANTED.has(tag)) continue;
    const type = blob.readUInt32BE(e + 4);
    const offset = blob.readUInt32BE(e + 8);
    const count = blob.readUInt32BE(e + 12);
    if (offset >= data.length || count > data.length)
      throw new Error(`tag ${tag}: offset/count outside the data store`);
    if (type === TYPE.INT32) {
      if (offset + count * 4 > data.length) throw new Error(`tag ${tag}: integers run past the data store`);
      ints.set(
        tag,
        Array.from({ length: count }, (_, k) => data.readUInt32BE(offset + k * 4)),
      );
    } else if (type === TYPE.STRING || type === TYPE.STRING_ARRAY || type === TYPE.I18NSTRING) {
      const n = type === TYPE.STRING ? 1 : count;
      const out: string[] = [];
      let p = offset;
      for (let k = 0; k < n; k++) {
        const end = data.indexOf(0, p);
        if (end < 0) throw new Error(`tag ${tag}: unterminated string`);
        out.push(data.toString('utf8', p, end));
        p = end + 1;
      }
      strings.set(tag, out);
    }
  }
  return { strings, ints };
}

export function str(h: RpmHeader, tag: number): string | undefined {
  return h.strings.get(tag)?.[0];
}

/** The files a package installed: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]. */
export function fileList(h: RpmHeader, max = 200_000): string[] {
  const base = h.strings.get(TAG.BASENAMES) ?? [];
  const dirs = h.strings.get(TAG.DIRNAMES) ?? [];
  const idx = h.ints.get(TAG.DIRINDEXES) ?? [];
  const out: string[] = [];
  for (let i = 0; i < base.length && i < max; i++) {
    const d = dirs[idx[i] ?? -1];
    if (d !== undefined) out.push(`${d}${base[i]}`.replace(/^\/+/, ''));
  }
  return out;
}
