/**
 * The registry of version comparators, one module per scheme. The matcher
 * asks for the comparator of an OSV ecosystem name (`Debian:12`, `npm`,
 * `PyPI`…); the prefix before the first `:` picks it.
 */
import type { VersionComparator } from './types.js';

const byScheme = new Map<string, VersionComparator>();

/** OSV ecosystem (prefix before `:`) → comparator scheme id. */
const schemeOfEcosystem: Record<string, string> = {
  Debian: 'dpkg', Ubuntu: 'dpkg',
  Alpine: 'apk', Wolfi: 'apk', Chainguard: 'apk',
  'Red Hat': 'rpm', AlmaLinux: 'rpm', 'Rocky Linux': 'rpm', openSUSE: 'rpm', SUSE: 'rpm', Mageia: 'rpm',
  npm: 'semver', 'crates.io': 'semver',
  PyPI: 'pep440',
  Go: 'go',
  RubyGems: 'rubygems',
  Maven: 'maven',
  NuGet: 'nuget',
  Packagist: 'composer',
};

export function registerComparator(c: VersionComparator): void {
  byScheme.set(c.id, c);
}

export function comparatorById(id: string): VersionComparator | undefined {
  return byScheme.get(id);
}

/** The comparator for an OSV ecosystem name, or undefined when none orders it. */
export function comparatorFor(osvEcosystem: string): VersionComparator | undefined {
  const base = osvEcosystem.split(':')[0] ?? osvEcosystem;
  const scheme = schemeOfEcosystem[base];
  return scheme ? byScheme.get(scheme) : undefined;
}

export type { VersionComparator } from './types.js';
export { InvalidVersionError } from './types.js';
