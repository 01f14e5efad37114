/**
 * `Cargo.lock` (versions 1-4): the `[[package]]` tables with a registry or
 * git `source` are dependencies; source-less ones are the workspace's own
 * crates. Read with a TOML parser, bounded by the file-size cap.
 */
import { parse as parseToml } from 'smol-toml';
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { Analyzer } from '../../types.js';

interface CargoPackage {
  name?: unknown;
  version?: unknown;
  source?: unknown;
  dependencies?: unknown;
}

export const cargoLockAnalyzer: Analyzer = {
  name: 'cargo-lock',
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  required: (path) => /(?:^|\/)Cargo\.lock$/.test(path),
  analyze(file, ctx) {
    let doc: { version?: unknown; package?: CargoPackage[] };
    try {
      doc = parseToml(file.content.toString('utf8'));
    } catch (e) {
      ctx.warn(`not valid TOML (${(e as Error).message.split('\n')[0]})`);
      return undefined;
    }
    if (typeof doc.version === 'number' && doc.version > 4)
      ctx.warn(`Cargo.lock version ${doc.version} is newer than customs knows (1-4)`);
    const packages: Package[] = [];
    for (const p of (Array.isArray(doc.package) ? doc.package : []).slice(0, 100_000)) {
      if (typeof p.name !== 'string' || typeof p.version !== 'string' || typeof p.source !== 'string') continue;
      const pkg: Package = {
        name: p.name,
        version: p.version,
        purl: buildPurl({ type: 'cargo', name: p.name, version: p.version }),
        ecosystem: 'cargo',
        type: 'cargo',
        filePath: file.path,
        origin: 'lockfile',
      };
      if (Array.isArray(p.dependencies))
        pkg.dependsOn = p.dependencies.filter((d): d is string => typeof d === 'string').map((d) => d.split(' ')[0]!);
      packages.push(pkg);
    }
    return { packageSets: [{ type: 'cargo', filePath: file.path, packages }] };
  },
};
