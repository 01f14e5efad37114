/**
 * Java archives (.jar, .war, .ear, .par): every `META-INF/maven/<group>/<artifact>/pom.properties`
 * (more than one means a shaded jar: each is reported), else the manifest's
 * Implementation-/Bundle- fields, else the file name. Nested jars (Spring Boot
 * `BOOT-INF/lib`, `WEB-INF/lib`) are read to a depth limit, each reported
 * with its path inside the outer one (`app.jar!/BOOT-INF/lib/x.jar`).
 */
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { AnalyzeContext, Analyzer } from '../../types.js';
import { MiB } from '../../types.js';
import { addArchiveLicences } from './licence.js';
import { openZip } from './zip.js';

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

function mavenPackage(group: string, artifact: string, version: string, filePath: string, how?: string): Package {
  const p: Package = {
    name: group ? `${group}:${artifact}` : artifact, version,
    purl: buildPurl({ type: 'maven', namespace: group || undefined, name: artifact, version }),
    ecosystem: 'maven', type: 'jar', filePath, origin: 'installed',
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

async function analyzeArchive(buf: Buffer, filePath: string, depth: number, ctx: AnalyzeContext, out: Package[], budget: { left: number }): Promise<void> {
  let zip;
  try { zip = await openZip(buf); } catch (e) { ctx.warn(`${filePath}: not a readable zip archive (${(e as Error).message})`); return; }
  try {
    const poms = zip.entries.filter((e) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(e.name));
    const found: Package[] = [];
    for (const e of poms) {
      try {
        const p = props((await e.read()).toString('utf8'));
        const g = p.get('groupId'), a = p.get('artifactId'), v = p.get('version');
        if (a && v) found.push(mavenPackage(g ?? '', a, v, filePath));
      } catch (err) { ctx.warn(`${filePath}!/${e.name}: ${(err as Error).message}`); }
    }
    if (!found.length) {
      const mf = zip.entries.find((e) => e.name === 'META-INF/MANIFEST.MF');
      const m = mf ? manifest((await mf.read().catch(() => Buffer.alloc(0))).toString('utf8')) : new Map<string, string>();
      const version = m.get('Implementation-Version') ?? m.get('Bundle-Version') ?? m.get('Specification-Version');
      const title = m.get('Bundle-SymbolicName')?.split(';')[0] ?? m.get('Implementation-Title') ?? m.get('Automatic-Module-Name');
      const vendor = m.get('Implementation-Vendor-Id') ?? '';
      const byName = fromFileName(filePath);
      if (version && title) found.push(mavenPackage(vendor, title.replace(/\s+/g, '-'), version, filePath, 'manifest'));
      else if (byName) found.push(mavenPackage('', byName.artifact, byName.version, filePath, 'file-name'));
    }
    await addArchiveLicences(zip.entries, found, filePath, ctx);
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
        if (budget.left < 0) { ctx.warn(`${filePath}!/${e.name}: more than ${NESTED_BUDGET_BYTES} bytes of nested archives in one file; the rest is not opened`); return; }
        await analyzeArchive(inner, `${filePath}!/${e.name}`, depth + 1, ctx, out, budget);
      } catch (err) { ctx.warn(`${filePath}!/${e.name}: ${(err as Error).message}`); }
    }
  } finally {
    zip.close();
  }
}

export const jarAnalyzer: Analyzer = {
  name: 'java-archive',
  version: 2,
  maxFileSize: 256 * MiB,
  required: (path) => ARCHIVE.test(path),
  async analyze(file, ctx) {
    const packages: Package[] = [];
    await analyzeArchive(file.content, file.path, 0, ctx, packages, { left: NESTED_BUDGET_BYTES });
    return packages.length ? { packageSets: [{ type: 'jar', filePath: file.path, packages }] } : undefined;
  },
};
