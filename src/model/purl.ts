/**
 * Package URLs (https://github.com/package-url/purl-spec). One builder for
 * every ecosystem so encoding rules live in one place.
 */
export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers?: Record<string, string | undefined>;
  subpath?: string;
}

/** Percent-encodes like the spec asks: everything but unreserved chars; `:` stays readable. */
function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':');
}

export function buildPurl(p: PurlParts): string {
  let out = `pkg:${p.type.toLowerCase()}/`;
  if (p.namespace) out += p.namespace.split('/').map(encodeSegment).join('/') + '/';
  out += encodeSegment(p.name);
  if (p.version) out += '@' + encodeSegment(p.version);
  const q = Object.entries(p.qualifiers ?? {})
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k.toLowerCase()}=${encodeSegment(v)}`);
  if (q.length) out += '?' + q.join('&');
  if (p.subpath)
    out +=
      '#' +
      p.subpath
        .split('/')
        .filter((s) => s && s !== '.' && s !== '..')
        .map(encodeSegment)
        .join('/');
  return out;
}

/** Parses a purl; returns undefined when it is not one. Bounded: purls over 4 KiB are rejected. */
export function parsePurl(purl: string): PurlParts | undefined {
  if (purl.length > 4096 || !purl.startsWith('pkg:')) return undefined;
  let rest = purl.slice(4).replace(/^\/+/, '');
  let subpath: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    try {
      subpath = decodeURIComponent(rest.slice(hash + 1));
    } catch {
      return undefined;
    }
    rest = rest.slice(0, hash);
  }
  const qualifiers: Record<string, string> = {};
  const qm = rest.indexOf('?');
  if (qm >= 0) {
    for (const kv of rest.slice(qm + 1).split('&')) {
      const eq = kv.indexOf('=');
      if (eq <= 0) continue;
      try {
        qualifiers[kv.slice(0, eq).toLowerCase()] = decodeURIComponent(kv.slice(eq + 1));
      } catch {
        return undefined;
      }
    }
    rest = rest.slice(0, qm);
  }
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const type = rest.slice(0, slash).toLowerCase();
  let path = rest.slice(slash + 1);
  let version: string | undefined;
  const at = path.lastIndexOf('@');
  try {
    if (at >= 0) {
      version = decodeURIComponent(path.slice(at + 1));
      path = path.slice(0, at);
    }
    const segs = path
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    const name = segs.pop();
    if (!name) return undefined;
    return { type, namespace: segs.length ? segs.join('/') : undefined, name, version, qualifiers, subpath };
  } catch {
    return undefined;
  }
}
