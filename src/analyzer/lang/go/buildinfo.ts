/**
 * Go build information, read from the binary as `go version -m` would: the
 * `\xff Go buildinf:` header in the data section, then either inline
 * varint-prefixed strings (Go ≥ 1.18) or pointers to Go strings resolved
 * through the ELF program headers (older Go). Returns the Go version and
 * the module info text.
 */
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const MAX_STRING = 1024 * 1024;

export interface BuildInfo {
  goVersion: string;
  modinfo: string;
}

function readVarint(buf: Buffer, pos: number): [number, number] | undefined {
  let v = 0,
    shift = 0;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const b = buf[i]!;
    v += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [v, i + 1];
    shift += 7;
  }
  return undefined;
}

interface Segment {
  vaddr: number;
  offset: number;
  filesz: number;
}

function elfSegments(buf: Buffer): { segments: Segment[]; le: boolean; is64: boolean } | undefined {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u64 = (o: number): number => Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  const phoff = is64 ? u64(32) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  const segments: Segment[] = [];
  for (let i = 0; i < Math.min(phnum, 256); i++) {
    const o = phoff + i * phentsize;
    if (o + (is64 ? 56 : 32) > buf.length) break;
    if (u32(o) !== 1) continue; // PT_LOAD
    segments.push(
      is64
        ? { offset: u64(o + 8), vaddr: u64(o + 16), filesz: u64(o + 32) }
        : { offset: u32(o + 4), vaddr: u32(o + 8), filesz: u32(o + 16) },
    );
  }
  return { segments, le, is64 };
}

export function isElf(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32BE(0) === 0x7f454c46;
}

export function readBuildInfo(buf: Buffer): BuildInfo | undefined {
  let at = buf.indexOf(MAGIC);
  while (at >= 0 && at % 16 !== 0) at = buf.indexOf(MAGIC, at + 1);
  if (at < 0 || at + 32 > buf.length) return undefined;
  const ptrSize = buf[at + 14]!;
  const flags = buf[at + 15]!;
  if (flags & 2) {
    // Go ≥ 1.18: two varint-length strings follow the 32-byte header.
    const v = readVarint(buf, at + 32);
    if (!v || v[0] > MAX_STRING) throw new Error('corrupt build info (version length)');
    const goVersion = buf.toString('utf8', v[1], v[1] + v[0]);
    const m = readVarint(buf, v[1] + v[0]);
    if (!m || m[0] > MAX_STRING || m[1] + m[0] > buf.length) throw new Error('corrupt build info (modinfo length)');
    return { goVersion, modinfo: buf.toString('utf8', m[1], m[1] + m[0]) };
  }
  if (ptrSize !== 4 && ptrSize !== 8) throw new Error(`corrupt build info (pointer size ${ptrSize})`);
  const elf = elfSegments(buf);
  if (!elf) return undefined;
  const bigEndian = (flags & 1) === 1;
  const readPtr = (o: number): number =>
    ptrSize === 8
      ? Number(bigEndian ? buf.readBigUInt64BE(o) : buf.readBigUInt64LE(o))
      : bigEndian
        ? buf.readUInt32BE(o)
        : buf.readUInt32LE(o);
  const fileOffset = (vaddr: number): number | undefined => {
    const s = elf.segments.find((g) => vaddr >= g.vaddr && vaddr < g.vaddr + g.filesz);
    return s ? vaddr - s.vaddr + s.offset : undefined;
  };
  const goString = (ptrOffset: number): string => {
    const hdr = fileOffset(readPtr(ptrOffset));
    if (hdr === undefined || hdr + 2 * ptrSize > buf.length)
      throw new Error('corrupt build info (string header outside the file)');
    const data = fileOffset(readPtr(hdr));
    const len = readPtr(hdr + ptrSize);
    if (data === undefined || len > MAX_STRING || data + len > buf.length)
      throw new Error('corrupt build info (string outside the file)');
    return buf.toString('utf8', data, data + len);
  };
  return { goVersion: goString(at + 16), modinfo: goString(at + 16 + ptrSize) };
}

export interface ModuleLine {
  kind: 'path' | 'mod' | 'dep';
  path: string;
  version?: string;
}

/** Parses modinfo (`go version -m` lines); `=>` lines replace the module above them. */
export function parseModinfo(text: string): ModuleLine[] {
  let body = text;
  // The runtime wraps modinfo in 16-byte sentinels.
  if (body.length >= 33 && body[body.length - 17] === '\n') body = body.slice(16, -16);
  const out: ModuleLine[] = [];
  for (const line of body.split('\n').slice(0, 10_000)) {
    const f = line.split('\t');
    if (f[0] === 'path' && f[1]) out.push({ kind: 'path', path: f[1] });
    else if ((f[0] === 'mod' || f[0] === 'dep') && f[1]) out.push({ kind: f[0], path: f[1], version: f[2] });
    else if (f[0] === '=>' && f[1] && out.length) {
      const last = out[out.length - 1]!;
      out[out.length - 1] = { kind: last.kind, path: f[1], version: f[2] };
    }
  }
  return out;
}
