/**
 * Installed npm packages: the `package.json` of each package directory under
 * any `node_modules` (nested copies are packages of their own, each with its
 * path), plus Debian's node modules in `usr/share/nodejs`. Files deeper in a
 * package (`node_modules/x/lib/package.json`) are not packages.
 */
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { Analyzer } from '../../types.js';
import { npmLicenses } from './license.js';

const INSTALLED = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;
const DEBIAN = /^usr\/share\/nodejs\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;

export function npmPurl(name: string, version: string): string {
  const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
  return scoped
    ? buildPurl({ type: 'npm', namespace: scoped[1], name: scoped[2]!, version })
    : buildPurl({ type: 'npm', name, version });
}

/** npm's own name rules, loosely: no spaces, at most one scope, ≤ 214 characters. */
export function validNpmName(name: unknown): name is string {
  return (
    typeof name === 'string' && name.length > 0 && name.length <= 214 && /^(?:@[^\s/@]+\/)?[^\s/@][^\s/]*$/.test(name)
  );
}

export const npmPackageJsonAnalyzer: Analyzer = {
  name: 'npm-package-json',
  version: 1,
  maxFileSize: 4 * 1024 * 1024,
  required: (path) => INSTALLED.test(path) || DEBIAN.test(path),
  analyze(file, ctx) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(file.content.toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      ctx.warn(`not valid JSON (${(e as Error).message.slice(0, 100)}); skipped`);
      return undefined;
    }
    if (typeof json !== 'object' || json === null) return undefined;
    const { name, version } = json;
    if (!validNpmName(name) || typeof version !== 'string' || !version || version.length > 256) return undefined;
    const pkg: Package = {
      name,
      version,
      purl: npmPurl(name, version),
      ecosystem: 'npm',
      type: 'node-pkg',
      filePath: file.path,
      origin: 'installed',
    };
    const licences = npmLicenses(json);
    if (licences.length) pkg.licenses = licences;
    const deps = json['dependencies'];
    if (deps && typeof deps === 'object') pkg.dependsOn = Object.keys(deps).slice(0, 1000);
    return { packageSets: [{ type: 'node-pkg', filePath: file.path, packages: [pkg] }] };
  },
};
