/**
 * Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`
 * and single-file `*.egg-info`, in site-packages, dist-packages and venvs.
 * Core-metadata headers (RFC 822 style) up to the first blank line.
 */
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { Analyzer } from '../../types.js';

const METADATA = /(?:^|\/)[^/]+\.dist-info\/METADATA$|(?:^|\/)[^/]+\.egg-info\/PKG-INFO$|(?:^|\/)[^/]+\.egg-info$/;
const MAX_HEADER_LINES = 2000;

/** PEP 503: names compare lower-case with runs of `-_.` as one `-`. */
export function normalisePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function pypiPurl(name: string, version: string): string {
  return buildPurl({ type: 'pypi', name: normalisePypiName(name), version });
}

export function parseCoreMetadata(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let last: string | undefined;
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (i > MAX_HEADER_LINES || line.trim() === '') break;
    if (/^[ \t]/.test(line) && last) {
      const vals = fields.get(last)!;
      vals[vals.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
    if (!m) continue;
    last = m[1]!.toLowerCase();
    fields.set(last, [...(fields.get(last) ?? []), m[2]!.trim()]);
  }
  return fields;
}

function licenses(f: Map<string, string[]>): string[] {
  const expr = f.get('license-expression')?.[0];
  if (expr) return [expr];
  const lic = f.get('license')?.[0];
  // Some projects paste the whole licence text into License: keep only a short name.
  if (lic && lic !== 'UNKNOWN' && lic.length <= 100 && !lic.includes('\n')) return [lic];
  const fromClassifiers = (f.get('classifier') ?? [])
    .filter((c) => c.startsWith('License ::'))
    .map((c) => c.split('::').pop()!.trim())
    .filter((c) => c && c !== 'OSI Approved');
  return [...new Set(fromClassifiers)];
}

export const pythonMetadataAnalyzer: Analyzer = {
  name: 'python-metadata',
  version: 1,
  maxFileSize: 4 * 1024 * 1024,
  required: (path) => METADATA.test(path),
  analyze(file, ctx) {
    const f = parseCoreMetadata(file.content.toString('utf8'));
    const name = f.get('name')?.[0];
    const version = f.get('version')?.[0];
    if (!name || !version) {
      ctx.warn('no Name or Version header; not a Python package metadata file');
      return undefined;
    }
    const pkg: Package = {
      name,
      version,
      purl: pypiPurl(name, version),
      ecosystem: 'pypi',
      type: 'python-pkg',
      filePath: file.path,
      origin: 'installed',
    };
    const lic = licenses(f);
    if (lic.length) pkg.licenses = lic;
    const deps = (f.get('requires-dist') ?? [])
      .filter((d) => !d.includes('extra =='))
      .map((d) => normalisePypiName(d.split(/[\s;<>=!~[(]/)[0]!))
      .filter(Boolean);
    if (deps.length) pkg.dependsOn = [...new Set(deps)];
    return { packageSets: [{ type: 'python-pkg', filePath: file.path, packages: [pkg] }] };
  },
};
