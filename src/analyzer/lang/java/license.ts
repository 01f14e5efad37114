/**
 * Licences a Java archive states about itself: the `<licenses>` of the
 * pom.xml Maven embeds beside each pom.properties
 * (`META-INF/maven/<group>/<artifact>/pom.xml`), else the manifest's OSGi
 * `Bundle-License` (`Apache-2.0`, a licence URL, `<<EXTERNAL>>`), else the
 * licence text in `META-INF/LICENSE[.txt|.md]`, classified. A parent pom's
 * `<licenses>` are not in the archive and so are not known here.
 */
import type { Package } from '../../../model/package.js';
import { licensesFromName } from '../../../license/name.js';
import { classifyLicenseText } from '../../../license/text-classifier.js';
import type { AnalyzeContext } from '../../types.js';
import type { ZipEntry } from './zip.js';

const POM_XML = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.xml$/;
/** The licence text an archive ships for itself (Maven's and Apache's layout). */
const LICENCE_FILE = /^META-INF\/LICEN[CS]E(?:\.txt|\.md)?$/i;
/** A pom declaring more licences than this is not describing itself. */
const MAX_LICENCES = 20;
/** Read no more of a pom than this: `<licenses>` sits near the top. */
const MAX_POM_CHARS = 1024 * 1024;

/** The text between the first `<tag>` and its `</tag>` at or after `from`, with where it ends. */
function element(xml: string, tag: string, from = 0, end = xml.length): { text: string; end: number } | undefined {
  const open = xml.indexOf(`<${tag}>`, from);
  if (open < 0 || open >= end) return undefined;
  const start = open + tag.length + 2;
  const close = xml.indexOf(`</${tag}>`, start);
  if (close < 0 || close > end) return undefined;
  return { text: xml.slice(start, close), end: close + tag.length + 3 };
}

/** XML comments removed, in one pass (a commented-out `<licenses>` states nothing). */
function withoutComments(xml: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = xml.indexOf('<!--', at);
    if (open < 0) return out + xml.slice(at);
    out += xml.slice(at, open);
    const close = xml.indexOf('-->', open + 4);
    if (close < 0) return out;
    at = close + 3;
  }
}

function xmlText(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s
    .replace(/^\s*<!\[CDATA\[/, '')
    .replace(/\]\]>\s*$/, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
  return t || undefined;
}

/** The licences a pom.xml declares in its own `<licenses>`. */
export function pomLicenses(pomXml: string): string[] {
  const xml = withoutComments(pomXml.slice(0, MAX_POM_CHARS));
  const section = element(xml, 'licenses');
  if (!section) return [];
  const out: string[] = [];
  for (let at = 0, n = 0; n < MAX_LICENCES; n++) {
    const lic = element(section.text, 'license', at);
    if (!lic) break;
    at = lic.end;
    out.push(...licensesFromName(xmlText(element(lic.text, 'name')?.text), xmlText(element(lic.text, 'url')?.text)));
  }
  return [...new Set(out)];
}

/** OSGi `Bundle-License`: comma-separated clauses, each a name or URL with `;`-parameters (`;link=…`). */
export function bundleLicenses(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const clause of header.slice(0, 2000).split(',').slice(0, MAX_LICENCES)) {
    const [name, ...params] = clause.split(';').map((s) => s.trim());
    if (!name || name === '<<EXTERNAL>>') continue;
    const link = params
      .find((p) => p.startsWith('link='))
      ?.slice(5)
      .replace(/^"|"$/g, '');
    out.push(...licensesFromName(name, link));
  }
  return [...new Set(out)];
}

/**
 * Gives the packages read from one archive level the licences its metadata
 * states: each its own pom.xml's, matched by group and artifact; the
 * manifest's Bundle-License and the META-INF licence text only to an archive
 * that is one package (in a shaded jar the bundle's licence is not each part's).
 */
export async function addArchiveLicenses(
  entries: ZipEntry[],
  packages: Package[],
  filePath: string,
  ctx: AnalyzeContext,
): Promise<void> {
  if (!packages.length) return;
  for (const e of entries) {
    const m = POM_XML.exec(e.name);
    if (!m) continue;
    const [, group, artifact] = m as unknown as [string, string, string];
    const owners = packages.filter(
      (p) =>
        p.name === `${group}:${artifact}` ||
        (packages.length === 1 && (p.name === artifact || p.name.endsWith(`:${artifact}`))),
    );
    if (!owners.length) continue;
    try {
      const lic = pomLicenses((await e.read()).toString('utf8'));
      if (lic.length) for (const p of owners) if (!p.licenses?.length) p.licenses = lic;
    } catch (err) {
      ctx.warn(`${filePath}!/${e.name}: ${(err as Error).message}`);
    }
  }
  if (packages.length !== 1) return;
  const only = packages[0]!;
  const mf = entries.find((e) => e.name === 'META-INF/MANIFEST.MF');
  if (!only.licenses?.length && mf) {
    const lic = await readLicenses(mf, (text) => bundleLicenses(mainHeader(text, 'Bundle-License')), filePath, ctx);
    if (lic.length) only.licenses = lic;
  }
  // Maven's pom often inherits <licenses> from a parent pom that is not in the archive; the licence text it ships says it.
  const licenseFile = entries.find((e) => LICENCE_FILE.test(e.name));
  if (!only.licenses?.length && licenseFile) {
    const lic = await readLicenses(licenseFile, classifyLicenseText, filePath, ctx);
    if (lic.length) only.licenses = lic;
  }
}

async function readLicenses(
  entry: ZipEntry,
  parse: (text: string) => string[],
  filePath: string,
  ctx: AnalyzeContext,
): Promise<string[]> {
  try {
    return parse((await entry.read()).toString('utf8'));
  } catch (err) {
    ctx.warn(`${filePath}!/${entry.name}: ${(err as Error).message}`);
    return [];
  }
}

/** One header of a manifest's main section, its 72-column continuation lines joined. */
function mainHeader(text: string, name: string): string | undefined {
  const main = text.slice(0, MAX_POM_CHARS).replace(/\r\n?/g, '\n').split('\n\n')[0] ?? '';
  const prefix = `${name.toLowerCase()}:`;
  for (const line of main.replace(/\n /g, '').split('\n'))
    if (line.toLowerCase().startsWith(prefix)) return line.slice(prefix.length).trim();
  return undefined;
}
