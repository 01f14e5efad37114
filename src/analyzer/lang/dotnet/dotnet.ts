/**
 * .NET: `*.deps.json` (what a published app loads: `libraries` of type
 * `package`), `packages.lock.json` (NuGet's lock file: `dependencies` per
 * target framework, Direct/Transitive with `resolved`), and the older
 * `packages.config` (`<package id version developmentDependency>`).
 */
import { createRequire } from 'node:module';
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { AnalyzeContext, Analyzer } from '../../types.js';

const require = createRequire(import.meta.url);
/** The XML parser, loaded only when an XML file is read. */
const xmlParser = (): typeof import('fast-xml-parser').XMLParser =>
  (require('fast-xml-parser') as typeof import('fast-xml-parser')).XMLParser;

function nuget(
  name: string,
  version: string,
  filePath: string,
  type: string,
  origin: Package['origin'],
  dev = false,
): Package {
  const p: Package = {
    name,
    version,
    purl: buildPurl({ type: 'nuget', name, version }),
    ecosystem: 'nuget',
    type,
    filePath,
    origin,
  };
  if (dev) p.dev = true;
  return p;
}

function json(file: { content: Buffer }, ctx: AnalyzeContext): Record<string, unknown> | undefined {
  try {
    return JSON.parse(file.content.toString('utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch (e) {
    ctx.warn(`not valid JSON (${(e as Error).message.slice(0, 100)})`);
    return undefined;
  }
}

export const depsJsonAnalyzer: Analyzer = {
  name: 'dotnet-deps',
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  required: (path) => /\.deps\.json$/.test(path),
  analyze(file, ctx) {
    const doc = json(file, ctx);
    if (!doc) return undefined;
    const libs = (doc['libraries'] ?? {}) as Record<string, { type?: string }>;
    const packages = Object.entries(libs)
      .filter(([, l]) => l?.type === 'package')
      .slice(0, 100_000)
      .flatMap(([key]) => {
        const i = key.lastIndexOf('/');
        return i > 0 ? [nuget(key.slice(0, i), key.slice(i + 1), file.path, 'dotnet-core', 'installed')] : [];
      });
    return { packageSets: [{ type: 'dotnet-core', filePath: file.path, packages }] };
  },
};

export const nugetLockAnalyzer: Analyzer = {
  name: 'nuget-lock',
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  required: (path) => /(?:^|\/)packages\.lock\.json$/.test(path),
  analyze(file, ctx) {
    const doc = json(file, ctx);
    if (!doc) return undefined;
    const seen = new Map<string, Package>();
    for (const deps of Object.values(
      (doc['dependencies'] ?? {}) as Record<string, Record<string, { type?: string; resolved?: string }>>,
    )) {
      for (const [name, d] of Object.entries(deps ?? {})) {
        if (!d?.resolved || d.type === 'Project') continue;
        const key = `${name}@${d.resolved}`;
        if (!seen.has(key)) seen.set(key, nuget(name, d.resolved, file.path, 'nuget', 'lockfile'));
      }
    }
    return { packageSets: [{ type: 'nuget', filePath: file.path, packages: [...seen.values()].slice(0, 100_000) }] };
  },
};

export const packagesConfigAnalyzer: Analyzer = {
  name: 'nuget-packages-config',
  version: 1,
  maxFileSize: 4 * 1024 * 1024,
  required: (path) => /(?:^|\/)packages\.config$/.test(path),
  analyze(file, ctx) {
    let doc: { packages?: { package?: Record<string, string> | Record<string, string>[] } };
    try {
      doc = new (xmlParser())({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: false }).parse(
        file.content.toString('utf8'),
      ) as typeof doc;
    } catch (e) {
      ctx.warn(`not well-formed XML (${(e as Error).message.split('\n')[0]})`);
      return undefined;
    }
    const list = doc.packages?.package;
    const items = list === undefined ? [] : Array.isArray(list) ? list : [list];
    const packages = items
      .filter((p) => p?.id && p.version)
      .slice(0, 100_000)
      .map((p) =>
        nuget(p.id!, p.version!, file.path, 'packages-config', 'lockfile', p.developmentDependency === 'true'),
      );
    return { packageSets: [{ type: 'packages-config', filePath: file.path, packages }] };
  },
};

export const dotnetAnalyzers: Analyzer[] = [depsJsonAnalyzer, nugetLockAnalyzer, packagesConfigAnalyzer];
