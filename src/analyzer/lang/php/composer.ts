/**
 * PHP: `vendor/composer/installed.json` (what Composer installed; v1 is an
 * array, v2 `{packages, dev-package-names}`) and `composer.lock`
 * (`packages`, `packages-dev`).
 */
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { AnalyzeContext, Analyzer } from '../../types.js';

interface ComposerPackage {
  name?: unknown;
  version?: unknown;
  license?: unknown;
}

function toPackage(
  p: ComposerPackage,
  filePath: string,
  type: string,
  origin: Package['origin'],
  dev: boolean,
): Package | undefined {
  if (typeof p.name !== 'string' || typeof p.version !== 'string' || !/^[a-z0-9_.-]+\/[a-z0-9_.-]+$/i.test(p.name))
    return undefined;
  const [vendor, name] = p.name.split('/') as [string, string];
  const version = p.version.replace(/^v(?=\d)/, '');
  const pkg: Package = {
    name: p.name,
    version,
    purl: buildPurl({ type: 'composer', namespace: vendor, name, version }),
    ecosystem: 'composer',
    type,
    filePath,
    origin,
  };
  if (Array.isArray(p.license)) pkg.licenses = p.license.filter((l): l is string => typeof l === 'string').slice(0, 10);
  if (dev) pkg.dev = true;
  return pkg;
}

function parseJson(file: { content: Buffer }, ctx: AnalyzeContext): unknown {
  try {
    return JSON.parse(file.content.toString('utf8'));
  } catch (e) {
    ctx.warn(`not valid JSON (${(e as Error).message.slice(0, 100)})`);
    return undefined;
  }
}

export const composerInstalledAnalyzer: Analyzer = {
  name: 'composer-installed',
  version: 1,
  maxFileSize: 32 * 1024 * 1024,
  required: (path) => /(?:^|\/)vendor\/composer\/installed\.json$/.test(path),
  analyze(file, ctx) {
    const doc = parseJson(file, ctx) as
      ComposerPackage[] | { packages?: ComposerPackage[]; 'dev-package-names'?: string[] } | undefined;
    if (!doc) return undefined;
    const list = Array.isArray(doc) ? doc : (doc.packages ?? []);
    const devNames = new Set(Array.isArray(doc) ? [] : (doc['dev-package-names'] ?? []));
    const packages = list
      .slice(0, 100_000)
      .map((p) => toPackage(p, file.path, 'composer-vendor', 'installed', devNames.has(String(p.name))))
      .filter((p): p is Package => !!p);
    return { packageSets: [{ type: 'composer-vendor', filePath: file.path, packages }] };
  },
};

export const composerLockAnalyzer: Analyzer = {
  name: 'composer-lock',
  version: 1,
  maxFileSize: 32 * 1024 * 1024,
  required: (path) => /(?:^|\/)composer\.lock$/.test(path) && !path.includes('vendor/'),
  analyze(file, ctx) {
    const doc = parseJson(file, ctx) as
      { packages?: ComposerPackage[]; 'packages-dev'?: ComposerPackage[] } | undefined;
    if (!doc) return undefined;
    const packages = [
      ...(doc.packages ?? []).map((p) => toPackage(p, file.path, 'composer', 'lockfile', false)),
      ...(doc['packages-dev'] ?? []).map((p) => toPackage(p, file.path, 'composer', 'lockfile', true)),
    ]
      .filter((p): p is Package => !!p)
      .slice(0, 100_000);
    return { packageSets: [{ type: 'composer', filePath: file.path, packages }] };
  },
};
