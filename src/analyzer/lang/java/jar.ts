/**
 * Java archives (.jar, .war, .ear, .par): every `META-INF/maven/<group>/<artifact>/`
 * directory (more than one means a shaded jar: each is reported), its
 * `pom.properties`, else its `pom.xml`, else the directory names Maven wrote
 * them under; else the manifest's Implementation-/Bundle- fields, else the
 * file name. Nested jars (Spring Boot `BOOT-INF/lib`, `WEB-INF/lib`) are read
 * to a depth limit, each reported with its path inside the outer one
 * (`app.jar!/BOOT-INF/lib/x.jar`).
 *
 * A Maven purl needs a groupId, and only Maven's own metadata states one
 * (Implementation-Vendor-Id is where Maven's archiver writes it). An OSGi
 * Bundle-SymbolicName is a bundle name, not a group, and a file name has no
 * group at all: a package identified only by those has no purl, since a
 * guessed one would match another project's advisories in every tool.
 */
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { AnalyzeContext, Analyzer } from '../../types.js';
import { MiB } from '../../types.js';
import { addArchiveLicenses } from './license.js';
import { pomCoordinates } from './pom.js';
import { openZip, type ZipEntry } from './zip.js';

const ARCHIVE = /\.(?:jar|war|ear|par|sar|jpi|hpi)$/i;
const MAX_DEPTH = 4;
/** Bytes of nested archives unpacked for one top-level file, across all depths. */
const NESTED_BUDGET_BYTES = 512 * MiB;

function props(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const kv = /^\s*([^#!=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (kv) m.set(kv[1]!, kv[2]!);
  }
  return m;
}

/** MANIFEST.MF main section, with 72-column continuation lines joined. */
function manifest(text: string): Map<string, string> {
  const m = new Map<string, string>();
  const main = text.replace(/\r\n/g, '\n').split('\n\n')[0] ?? '';
  for (const line of main.replace(/\n /g, '').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return m;
}

const MAVEN_METADATA = /^META-INF\/maven\/([^/]+)\/([^/]+)\/(pom\.properties|pom\.xml)$/;
/** A groupId as Maven writes them: dotted lower-case words (`org.apache.commons`, `log4j`), no spaces. */
const GROUP_ID = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

function mavenPackage(group: string, artifact: string, version: string, filePath: string, how?: string): Package {
  const p: Package = {
    name: group ? `${group}:${artifact}` : artifact,
    version,
    purl: group ? buildPurl({ type: 'maven', namespace: group, name: artifact, version }) : '',
    ecosystem: 'maven',
    type: 'jar',
    filePath,
    origin: 'installed',
  };
  if (how) p.identifiedBy = how;
  return p;
}

/** `commons-text-1.10.0.jar` → artifact and version, the last resort. */
function fromFileName(path: string): { artifact: string; version: string } | undefined {
  const base = path.split('/').pop()!.replace(ARCHIVE, '');
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(base);
  return m ? { artifact: m[1]!, version: m[2]! } : undefined;
}

/** Packages from `META-INF/maven/<group>/<artifact>/`: pom.properties first, pom.xml for what it lacks, the directory names last. */
async function fromMavenMetadata(entries: ZipEntry[], filePath: string, ctx: AnalyzeContext): Promise<Package[]> {
  const dirs = new Map<string, { group: string; artifact: string; files: Map<string, ZipEntry> }>();
  for (const e of entries) {
    const m = MAVEN_METADATA.exec(e.name);
    if (!m) continue;
    const key = `${m[1]}/${m[2]}`;
    const d = dirs.get(key) ?? { group: m[1]!, artifact: m[2]!, files: new Map() };
    d.files.set(m[3]!, e);
    dirs.set(key, d);
  }
  const out: Package[] = [];
  for (const d of dirs.values()) {
    const read = async (file: string): Promise<string | undefined> => {
      const e = d.files.get(file);
      if (!e) return undefined;
      try {
        return (await e.read()).toString('utf8');
      } catch (err) {
        ctx.warn(`${filePath}!/${e.name}: ${(err as Error).message}`);
        return undefined;
      }
    };
    const propsText = await read('pom.properties');
    const p = propsText === undefined ? new Map<string, string>() : props(propsText);
    let g = p.get('groupId'),
      a = p.get('artifactId'),
      v = p.get('version');
    if (!g || !a || !v) {
      const pomText = await read('pom.xml');
      const pom = pomText === undefined ? {} : pomCoordinates(pomText);
      g ||= pom.groupId;
      a ||= pom.artifactId;
      v ||= pom.version;
    }
    // Maven's archiver names the directories after the project's groupId and artifactId.
    g ||= d.group;
    a ||= d.artifact;
    if (v) out.push(mavenPackage(g, a, v, filePath));
  }
  return out;
}

async function analyzeArchive(
  buf: Buffer,
  filePath: string,
  depth: number,
  ctx: AnalyzeContext,
  out: Package[],
  budget: { left: number },
): Promise<void> {
  let zip;
  try {
    zip = await openZip(buf);
  } catch (e) {
    ctx.warn(`${filePath}: not a readable zip archive (${(e as Error).message})`);
    return;
  }
  try {
    const found = await fromMavenMetadata(zip.entries, filePath, ctx);
    if (!found.length) {
      const mf = zip.entries.find((e) => e.name === 'META-INF/MANIFEST.MF');
      const m = mf
        ? manifest((await mf.read().catch(() => Buffer.alloc(0))).toString('utf8'))
        : new Map<string, string>();
      const version = m.get('Implementation-Version') ?? m.get('Bundle-Version') ?? m.get('Specification-Version');
      const title =
        m.get('Bundle-SymbolicName')?.split(';')[0] ?? m.get('Implementation-Title') ?? m.get('Automatic-Module-Name');
      const vendorId = m.get('Implementation-Vendor-Id') ?? '';
      const vendor = GROUP_ID.test(vendorId) ? vendorId : '';
      const byName = fromFileName(filePath);
      if (version && title) found.push(mavenPackage(vendor, title.replace(/\s+/g, '-'), version, filePath, 'manifest'));
      else if (byName) found.push(mavenPackage('', byName.artifact, byName.version, filePath, 'file-name'));
    }
    await addArchiveLicenses(zip.entries, found, filePath, ctx);
    out.push(...found);
    const nested = zip.entries.filter((x) => ARCHIVE.test(x.name) && !x.name.endsWith('/'));
    if (nested.length && depth >= MAX_DEPTH) {
      ctx.warn(`${filePath}: archives nested deeper than ${MAX_DEPTH} are not opened (${nested.length} skipped)`);
      return;
    }
    for (const e of nested) {
      try {
        const inner = await e.read();
        budget.left -= inner.length;
        if (budget.left < 0) {
          ctx.warn(
            `${filePath}!/${e.name}: more than ${NESTED_BUDGET_BYTES} bytes of nested archives in one file; the rest is not opened`,
          );
          return;
        }
        await analyzeArchive(inner, `${filePath}!/${e.name}`, depth + 1, ctx, out, budget);
      } catch (err) {
        ctx.warn(`${filePath}!/${e.name}: ${(err as Error).message}`);
      }
    }
  } finally {
    zip.close();
  }
}

export const jarAnalyzer: Analyzer = {
  name: 'java-archive',
  version: 3,
  maxFileSize: 256 * MiB,
  required: (path) => ARCHIVE.test(path),
  async analyze(file, ctx) {
    const packages: Package[] = [];
    await analyzeArchive(file.content, file.path, 0, ctx, packages, { left: NESTED_BUDGET_BYTES });
    return packages.length ? { packageSets: [{ type: 'jar', filePath: file.path, packages }] } : undefined;
  },
};
