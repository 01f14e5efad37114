/**
 * `poetry.lock` (lock-version 1.x and 2.x): its `[[package]]` tables. Poetry
 * before 1.5 marks dev packages with `category = "dev"`; later versions
 * record groups only in pyproject.toml, so their entries carry no dev flag.
 */
import { parse as parseToml } from 'smol-toml';
import type { Package } from '../../../model/package.js';
import type { Analyzer } from '../../types.js';
import { pypiPurl } from './metadata.js';
import { scalarText } from '../../../util/scalar-text.js';

interface PoetryPackage {
  name?: unknown;
  version?: unknown;
  category?: unknown;
}

export const poetryLockAnalyzer: Analyzer = {
  name: 'poetry-lock',
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  required: (path) => /(?:^|\/)poetry\.lock$/.test(path) && !/(?:site|dist)-packages\//.test(path),
  analyze(file, ctx) {
    let doc: { package?: PoetryPackage[]; metadata?: { 'lock-version'?: unknown } };
    try {
      doc = parseToml(file.content.toString('utf8'));
    } catch (e) {
      ctx.warn(`not valid TOML (${(e as Error).message.split('\n')[0]})`);
      return undefined;
    }
    const lockVersion = scalarText(doc.metadata?.['lock-version'], '');
    if (Number(lockVersion.split('.')[0]) > 2)
      ctx.warn(`lock-version ${lockVersion} is newer than customs knows (1.x, 2.x)`);
    const packages: Package[] = [];
    for (const p of (Array.isArray(doc.package) ? doc.package : []).slice(0, 100_000)) {
      if (typeof p.name !== 'string' || typeof p.version !== 'string') continue;
      const pkg: Package = {
        name: p.name,
        version: p.version,
        purl: pypiPurl(p.name, p.version),
        ecosystem: 'pypi',
        type: 'poetry',
        filePath: file.path,
        origin: 'lockfile',
      };
      if (p.category === 'dev') pkg.dev = true;
      packages.push(pkg);
    }
    return { packageSets: [{ type: 'poetry', filePath: file.path, packages }] };
  },
};
