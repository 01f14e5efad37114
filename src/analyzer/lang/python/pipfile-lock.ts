/**
 * `Pipfile.lock` (pipenv, pipfile-spec 6): JSON with `default` (the app's
 * packages) and `develop` (dev-packages, marked dev). Versions are pinned as
 * `==X`; an entry without one (a VCS or path dependency) has no version to
 * match and is skipped.
 */
import type { Package } from '../../../model/package.js';
import type { Analyzer } from '../../types.js';
import { pypiPurl } from './metadata.js';

const MAX_ENTRIES = 100_000;

function pinned(entry: unknown): string | undefined {
  const v = typeof entry === 'object' && entry !== null ? (entry as { version?: unknown }).version : undefined;
  return typeof v === 'string' && v.startsWith('==') ? v.slice(2).trim() : undefined;
}

export const pipfileLockAnalyzer: Analyzer = {
  name: 'pipfile-lock',
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  required: (path) => /(?:^|\/)Pipfile\.lock$/.test(path) && !/(?:site|dist)-packages\//.test(path),
  analyze(file, ctx) {
    let doc: unknown;
    try {
      doc = JSON.parse(file.content.toString('utf8'));
    } catch (e) {
      ctx.warn(`not valid JSON (${(e as Error).message})`);
      return undefined;
    }
    if (typeof doc !== 'object' || doc === null) {
      ctx.warn('not a Pipfile.lock (no JSON object)');
      return undefined;
    }
    const d = doc as Record<string, unknown>;
    const spec = (d['_meta'] as { 'pipfile-spec'?: unknown } | undefined)?.['pipfile-spec'];
    if (typeof spec === 'number' && spec > 6) ctx.warn(`pipfile-spec ${spec} is newer than customs knows (6)`);
    const packages: Package[] = [];
    for (const [section, dev] of [
      ['default', false],
      ['develop', true],
    ] as const) {
      const entries = d[section];
      if (typeof entries !== 'object' || entries === null) continue;
      for (const [name, entry] of Object.entries(entries).slice(0, MAX_ENTRIES)) {
        const version = pinned(entry);
        if (!version) {
          ctx.warn(`${name}: no pinned version (a VCS or path dependency?); skipped`);
          continue;
        }
        const pkg: Package = {
          name,
          version,
          purl: pypiPurl(name, version),
          ecosystem: 'pypi',
          type: 'pipenv',
          filePath: file.path,
          origin: 'lockfile',
        };
        if (dev) pkg.dev = true;
        packages.push(pkg);
      }
    }
    return { packageSets: [{ type: 'pipenv', filePath: file.path, packages }] };
  },
};
