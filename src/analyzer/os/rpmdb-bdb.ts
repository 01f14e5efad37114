/**
 * Berkeley DB hash files (rpm's classic `var/lib/rpm/Packages`): walks the
 * hash pages and returns every value, following overflow-page chains for
 * values larger than a page. Byte order is told by the metadata magic.
 */
const HASH_MAGIC = 0x061561;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const PAGE_HEADER = 26;
const MAX_VALUE = 64 * 1024 * 1024;

export function readBdbHashValues(buf: Buffer): Buffer[] {
  if (buf.length < 512) throw new Error('too short for a Berkeley DB file');
  let le = true;
  if (buf.readUInt32LE(12) !== HASH_MAGIC) {
    if (buf.readUInt32BE(12) !== HASH_MAGIC) throw new Error('not a Berkeley DB hash file (bad magic)');
    le = false;
  }
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u16 = (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || pageSize & (pageSize - 1)) throw new Error(`invalid page size ${pageSize}`);
  const pages = Math.floor(buf.length / pageSize);
  const values: Buffer[] = [];

  const overflow = (start: number, total: number): Buffer => {
    if (total > MAX_VALUE) throw new Error(`value of ${total} bytes is over the cap`);
    const parts: Buffer[] = [];
    let got = 0;
    const seen = new Set<number>();
    for (let pg = start; pg !== 0 && got < total;) {
      if (pg >= pages || seen.has(pg)) throw new Error(`broken overflow chain at page ${pg}`);
      seen.add(pg);
      const base = pg * pageSize;
      if (buf[base + 25] !== P_OVERFLOW) throw new Error(`page ${pg} is not an overflow page`);
      const len = u16(base + 22);
      parts.push(buf.subarray(base + PAGE_HEADER, base + PAGE_HEADER + Math.min(len, pageSize - PAGE_HEADER)));
      got += len;
      pg = u32(base + 16);
    }
    return Buffer.concat(parts).subarray(0, total);
  };

  for (let pg = 1; pg < pages; pg++) {
    const base = pg * pageSize;
    const type = buf[base + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = u16(base + 20);
    if (entries > (pageSize - PAGE_HEADER) / 2) continue;
    const offsets = Array.from({ length: entries }, (_, i) => u16(base + PAGE_HEADER + i * 2));
    for (let i = 1; i < entries; i += 2) {
      const off = offsets[i]!;
      const end = offsets[i - 1]!;
      if (off >= pageSize || end > pageSize || off >= end) continue;
      const item = buf.subarray(base + off, base + end);
      if (item[0] === H_KEYDATA) values.push(Buffer.from(item.subarray(1)));
      else if (item[0] === H_OFFPAGE && item.length >= 12)
        values.push(overflow(u32(base + off + 4), u32(base + off + 8)));
    }
  }
  return values;
}
