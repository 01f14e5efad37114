/**
 * dpkg's database: `var/lib/dpkg/status` (installed packages), distroless
 * `var/lib/dpkg/status.d/<name>` (one control paragraph per package, no
 * Status field, with `<name>.md5sums` beside it), and `info/*.list`, the
 * files each package installed.
 */
import type { Package } from '../../model/package.js';
import type { AnalyzeContext, Analyzer } from '../types.js';
import type { AnalyzerOutput } from '../../model/facts.js';
import { MiB } from '../types.js';
import { ownedFileList } from '../../model/facts.js';
import { parseControl, type Paragraph } from './control.js';

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = /^var\/lib\/dpkg\/status\.d\/([^/]+)$/;
const INFO_LIST = /^var\/lib\/dpkg\/info\/([^/]+)\.list$/;
const MAX_LIST_LINES = 500_000;

/** `Source: openssl (3.0.15-1~deb12u1)` → name and version. */
function parseSource(field: string | undefined): { name?: string; version?: string } {
  if (!field) return {};
  const m = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(field.trim());
  return m ? { name: m[1], version: m[2] } : {};
}

/** Installed means dpkg's state is `installed` (dpkg-query `ii`/`hi`), not config-files or half-installed. */
function isInstalled(status: string | undefined): boolean {
  return status !== undefined && status.trim().split(/\s+/)[2] === 'installed';
}

function toPackage(p: Paragraph, filePath: string, ctx: AnalyzeContext): Package | undefined {
  const name = p.fields.get('Package');
  const version = p.fields.get('Version');
  if (!name || !version) {
    ctx.warn(`paragraph at line ${p.line} has no ${name ? 'Version' : 'Package'} field; skipped`);
    return undefined;
  }
  const src = parseSource(p.fields.get('Source'));
  const pkg: Package = {
    name,
    version,
    srcName: src.name ?? name,
    srcVersion: src.version ?? version,
    purl: '',
    ecosystem: 'deb',
    type: 'dpkg',
    filePath,
    origin: 'installed',
  };
  const arch = p.fields.get('Architecture');
  if (arch) pkg.arch = arch;
  const maint = p.fields.get('Maintainer');
  if (maint) pkg.maintainer = maint;
  const deps = p.fields.get('Depends') ?? p.fields.get('Pre-Depends');
  if (deps)
    pkg.dependsOn = [
      ...new Set(
        deps
          .split(/[,|]/)
          .map((d) => d.trim().split(/[\s(:]/)[0]!)
          .filter(Boolean),
      ),
    ];
  return pkg;
}

function packagesOf(
  text: string,
  filePath: string,
  ctx: AnalyzeContext,
  requireStatus: boolean,
): AnalyzerOutput | undefined {
  const packages: Package[] = [];
  for (const p of parseControl(text, ctx.warn)) {
    if (requireStatus && !isInstalled(p.fields.get('Status'))) continue;
    const pkg = toPackage(p, filePath, ctx);
    if (pkg) packages.push(pkg);
  }
  return { packageSets: [{ type: 'dpkg', filePath, packages }] };
}

export const dpkgStatusAnalyzer: Analyzer = {
  name: 'dpkg',
  version: 1,
  maxFileSize: 256 * MiB,
  required: (path) => path === STATUS || (STATUS_D.test(path) && !path.endsWith('.md5sums')),
  analyze(file, ctx) {
    const text = file.content.toString('utf8');
    if (text.includes('\0')) {
      ctx.warn('binary data where a dpkg status file was expected; skipped');
      return undefined;
    }
    return packagesOf(text, file.path, ctx, file.path === STATUS);
  },
};

/** Image paths listed in a `.list` (absolute) or `.md5sums` (`<md5>  <relative path>`) file. */
function listedPaths(text: string, md5sums: boolean): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    if (out.length >= MAX_LIST_LINES) break;
    const line = md5sums ? raw.replace(/^[0-9a-f]{32}\s+/, '') : raw;
    const p = line.trim().replace(/^\/+/, '');
    if (p && p !== '.') out.push(p);
  }
  return out;
}

export const dpkgFilesAnalyzer: Analyzer = {
  name: 'dpkg-files',
  version: 2,
  maxFileSize: 32 * MiB,
  required: (path) => INFO_LIST.test(path) || (STATUS_D.test(path) && path.endsWith('.md5sums')),
  analyze(file) {
    const list = INFO_LIST.exec(file.path);
    const owner = list ? list[1]! : /status\.d\/([^/]+)\.md5sums$/.exec(file.path)![1]!;
    return { ownedFiles: { [owner]: ownedFileList(listedPaths(file.content.toString('utf8'), !list)) } };
  },
};
