/**
 * CycloneDX XML, turned into the JSON shape (components with type, name,
 * version, purl, properties, nested components; metadata component) so one
 * reader serves both encodings. Entities are not expanded (no XXE, no
 * billion laughs).
 */
import { createRequire } from 'node:module';
import { UserError } from '../../util/errors.js';
import { scalarText } from '../../util/scalar-text.js';

const require = createRequire(import.meta.url);
/** The XML parser, loaded only when an XML file is read. */
const xmlParser = (): typeof import('fast-xml-parser').XMLParser =>
  (require('fast-xml-parser') as typeof import('fast-xml-parser')).XMLParser;

type Json = Record<string, unknown>;

/**
 * The character a reference names, or U+FFFD when XML allows no such
 * character (beyond U+10FFFF, a surrogate, NUL and the other C0 controls):
 * a hostile `&#99999999;` is one replaced character, not a RangeError.
 */
function charFromReference(code: number): string {
  const allowed =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return allowed ? String.fromCodePoint(code) : '\ufffd';
}

/** XML's five predefined entities and character references; DOCTYPE entities are never expanded. */
function decode(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return scalarText(v).replace(
    /&(?:#(\d{1,10})|#x([0-9a-f]{1,8})|(amp|lt|gt|quot|apos));/gi,
    (_m, dec: string, hex: string, name: string) => {
      if (dec) return charFromReference(Number(dec));
      if (hex) return charFromReference(parseInt(hex, 16));
      return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name.toLowerCase()]!;
    },
  );
}

function list(v: unknown): Json[] {
  return v === undefined ? [] : ((Array.isArray(v) ? v : [v]) as Json[]);
}

function component(c: Json, depth: number): Json {
  const props = list((c['properties'] as Json | undefined)?.['property']).map((p) => ({
    name: decode(p['@_name']),
    value: decode(typeof p === 'object' ? p['#text'] : p) ?? '',
  }));
  const licenses = list((c['licenses'] as Json | undefined)?.['license']).map((l) => ({
    license: l['id'] ? { id: decode(l['id']) } : { name: decode(l['name']) ?? '' },
  }));
  const expr = decode((c['licenses'] as Json | undefined)?.['expression']);
  const out: Json = {
    type: c['@_type'],
    'bom-ref': decode(c['@_bom-ref']),
    name: decode(c['name']),
    version: decode(c['version']),
    purl: decode(c['purl']),
    properties: props,
    licenses: expr ? [{ expression: expr }] : licenses,
  };
  if (depth < 32)
    out['components'] = list((c['components'] as Json | undefined)?.['component']).map((x) => component(x, depth + 1));
  return out;
}

export function cycloneDxXmlToJson(text: string, file: string): Json {
  let doc: Json;
  try {
    doc = new (xmlParser())({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      processEntities: false,
      parseTagValue: false,
      trimValues: true,
    }).parse(text) as Json;
  } catch (e) {
    throw new UserError(`${file}: not well-formed XML (${(e as Error).message.split('\n')[0]})`);
  }
  const bom = doc['bom'] as Json | undefined;
  if (!bom || !scalarText(bom['@_xmlns'], '').startsWith('http://cyclonedx.org/schema/bom/'))
    throw new UserError(`${file}: not a CycloneDX XML BOM (no <bom xmlns="http://cyclonedx.org/schema/bom/…">)`);
  const metadata = bom['metadata'] as Json | undefined;
  const meta = metadata?.['component'] as Json | undefined;
  // Tools as CycloneDX 1.4 (`<tools><tool>`) and 1.5+ (`<tools><components><component>`) write them: who wrote the BOM.
  const tools = metadata?.['tools'] as Json | undefined;
  const toolNames = [...list(tools?.['tool']), ...list((tools?.['components'] as Json | undefined)?.['component'])].map(
    (t) => ({ name: decode(t['name']) }),
  );
  return {
    bomFormat: 'CycloneDX',
    metadata: { component: meta ? component(meta, 32) : undefined, tools: toolNames },
    components: list((bom['components'] as Json | undefined)?.['component']).map((c) => component(c, 0)),
  };
}
