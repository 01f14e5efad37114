/**
 * A tar writer for hostile cases: unlike tar-stream's pack it writes whatever
 * it is told — names with NUL or invalid UTF-8 (as raw bytes), a header size
 * that lies, PAX records with any value — so the corpus can hold archives no
 * honest tool makes. Headers follow POSIX ustar (pax records as type 'x').
 */
export interface RawTarEntry {
  /** Raw name bytes (a string is written as UTF-8). Over 100 bytes goes into a PAX `path` record. */
  name: string | Buffer;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  body?: Buffer | string;
  /** Size written in the header when it should differ from the body. */
  headerSize?: number;
  linkname?: string;
  mode?: number;
  /** Extra PAX records (written as a type 'x' header before the entry). */
  pax?: Record<string, string | Buffer>;
}

const TYPE_FLAG = { file: '0', hardlink: '1', symlink: '2', dir: '5' } as const;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A 512-byte ustar header; sizes beyond the 11-digit octal field use base-256, as GNU tar does. */
export function tarHeader(
  name: Buffer,
  typeflag: string,
  size: number,
  opts: { linkname?: string; mode?: number } = {},
): Buffer {
  const h = Buffer.alloc(512);
  name.copy(h, 0, 0, Math.min(100, name.length));
  h.write(octal(opts.mode ?? 0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  if (size < 8 ** 11) h.write(octal(size, 12), 124, 'latin1');
  else {
    h[124] = 0x80;
    h.writeBigUInt64BE(BigInt(size), 128);
  }
  h.write(octal(0, 12), 136, 'latin1');
  h.write(typeflag, 156, 'latin1');
  if (opts.linkname) h.write(opts.linkname.slice(0, 100), 157, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

function pad(n: number): Buffer {
  return Buffer.alloc((512 - (n % 512)) % 512);
}

function paxBody(records: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    const value = typeof v === 'string' ? Buffer.from(v) : v;
    const rest = Buffer.concat([Buffer.from(` ${k}=`), value, Buffer.from('\n')]);
    let len = rest.length + 1;
    while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
    parts.push(Buffer.from(String(len)), rest);
  }
  return Buffer.concat(parts);
}

/** The chunks of one entry; bodies are not padded when the header lies about the size. */
export function tarEntry(e: RawTarEntry): Buffer[] {
  const name = typeof e.name === 'string' ? Buffer.from(e.name) : e.name;
  const body = e.body === undefined ? Buffer.alloc(0) : typeof e.body === 'string' ? Buffer.from(e.body) : e.body;
  const out: Buffer[] = [];
  const pax = { ...(e.pax ?? {}) };
  if (name.length > 100 && !pax['path']) pax['path'] = name;
  if (Object.keys(pax).length) {
    const pb = paxBody(pax);
    out.push(tarHeader(Buffer.from('PaxHeader'), 'x', pb.length), pb, pad(pb.length));
  }
  out.push(
    tarHeader(name, TYPE_FLAG[e.type ?? 'file'], e.headerSize ?? body.length, {
      linkname: e.linkname,
      mode: e.mode ?? (e.type === 'dir' ? 0o755 : 0o644),
    }),
  );
  if (body.length) out.push(body, pad(body.length));
  return out;
}

export function tarEnd(): Buffer {
  return Buffer.alloc(1024);
}

export function rawTar(entries: RawTarEntry[], opts: { end?: boolean } = {}): Buffer {
  return Buffer.concat([...entries.flatMap(tarEntry), ...(opts.end === false ? [] : [tarEnd()])]);
}
