/**
 * Project manifests: the application a lockfile or installed dependencies
 * belong to (root `package.json`, `pyproject.toml`, `pom.xml`, `*.csproj`,
 * `Cargo.toml`, `composer.json`, `Gemfile`). Each becomes an application
 * with its name, version and purl where the manifest states them; the
 * artifact keeps those that have dependencies in the image (see
 * artifact/applications.ts), so a stray manifest is no application.
 */
import type { Application } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';
import { pomCoordinates } from '../lang/java/pom.js';
import { npmPurl, validNpmName } from '../lang/npm/package-json.js';
import type { AnalyzeContext, Analyzer } from '../types.js';

const MANIFEST = /(?:^|\/)(package\.json|pyproject\.toml|pom\.xml|[^/]+\.csproj|Cargo\.toml|composer\.json|Gemfile)$/;
/** Dependency trees and archives hold their dependencies' manifests, not projects. */
const NOT_A_PROJECT = /(?:^|\/)(?:node_modules|vendor|site-packages|dist-packages|META-INF)\//;
const MAX_CHARS = 1024 * 1024;

type Found = Omit<Application, 'filePath'>;

function json(text: string, ctx: AnalyzeContext): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch (e) {
    ctx.warn(`not valid JSON (${(e as Error).message.slice(0, 100)}); skipped`);
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v && v.length <= 256 ? v : undefined);

/** `key = "value"` lines of TOML tables, by table name: all a manifest's name and version need. */
function tomlTables(text: string): Map<string, Map<string, string>> {
  const tables = new Map<string, Map<string, string>>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = header[1]!.trim();
      continue;
    }
    const kv = /^([\w.-]+)\s*=\s*"([^"]*)"/.exec(line) ?? /^([\w.-]+)\s*=\s*'([^']*)'/.exec(line);
    if (!kv) continue;
    const t = tables.get(current) ?? new Map<string, string>();
    if (!t.has(kv[1]!)) t.set(kv[1]!, kv[2]!);
    tables.set(current, t);
  }
  return tables;
}

function dirName(path: string): string {
  const parts = path.split('/');
  return parts.length > 1 ? parts.at(-2)! : 'app';
}

function read(kind: string, path: string, text: string, ctx: AnalyzeContext): Found | undefined {
  switch (kind) {
    case 'package.json': {
      const j = json(text, ctx);
      const name = j?.['name'],
        version = str(j?.['version']);
      if (!validNpmName(name)) return undefined;
      return { name, version, ecosystem: 'npm', purl: version ? npmPurl(name, version) : undefined };
    }
    case 'composer.json': {
      const j = json(text, ctx);
      const name = str(j?.['name']),
        version = str(j?.['version']);
      if (!name || !/^[^/\s]+\/[^/\s]+$/.test(name)) return undefined;
      const [vendor, pkg] = name.split('/');
      return {
        name,
        version,
        ecosystem: 'composer',
        purl: buildPurl({ type: 'composer', namespace: vendor, name: pkg!, version }),
      };
    }
    case 'pyproject.toml': {
      const t = tomlTables(text);
      const table = t.get('project')?.get('name') ? t.get('project')! : t.get('tool.poetry');
      const name = table?.get('name'),
        version = table?.get('version');
      if (!name) return undefined;
      return {
        name,
        version,
        ecosystem: 'pypi',
        purl: buildPurl({ type: 'pypi', name: name.toLowerCase().replace(/[-_.]+/g, '-'), version }),
      };
    }
    case 'Cargo.toml': {
      const p = tomlTables(text).get('package');
      const name = p?.get('name'),
        version = p?.get('version');
      if (!name) return undefined;
      return { name, version, ecosystem: 'cargo', purl: buildPurl({ type: 'cargo', name, version }) };
    }
    case 'pom.xml': {
      const c = pomCoordinates(text);
      if (!c.artifactId) return undefined;
      return {
        name: c.groupId ? `${c.groupId}:${c.artifactId}` : c.artifactId,
        version: c.version,
        ecosystem: 'maven',
        purl: c.groupId
          ? buildPurl({ type: 'maven', namespace: c.groupId, name: c.artifactId, version: c.version })
          : undefined,
      };
    }
    case 'Gemfile':
      // A Gemfile names no application: the directory does.
      return { name: dirName(path), ecosystem: 'rubygems' };
    default: {
      // *.csproj: the assembly (or the file) names the project, <Version> versions it.
      const tag = (t: string): string | undefined =>
        new RegExp(`<${t}>\\s*([^<\\s][^<]{0,255}?)\\s*</${t}>`).exec(text)?.[1];
      const name =
        tag('PackageId') ??
        tag('AssemblyName') ??
        path
          .split('/')
          .pop()!
          .replace(/\.csproj$/, '');
      const version = tag('Version') ?? tag('PackageVersion');
      const usable = version && !version.includes('$(') ? version : undefined;
      return { name, version: usable, ecosystem: 'nuget', purl: buildPurl({ type: 'nuget', name, version: usable }) };
    }
  }
}

export const projectManifestAnalyzer: Analyzer = {
  name: 'project-manifest',
  version: 1,
  maxFileSize: MAX_CHARS,
  required: (path) => MANIFEST.test(path) && !NOT_A_PROJECT.test(path),
  analyze(file, ctx) {
    const kind = MANIFEST.exec(file.path)![1]!;
    const found = read(kind.endsWith('.csproj') ? 'csproj' : kind, file.path, file.content.toString('utf8'), ctx);
    if (!found) return undefined;
    const app: Application = { ...found, filePath: file.path };
    for (const k of Object.keys(app) as (keyof Application)[]) if (app[k] === undefined) delete app[k];
    return { applications: [app] };
  },
};
