/**
 * The registry of version comparators, one module per scheme. The matcher
 * asks for the comparator of an OSV ecosystem name (`Debian:12`, `npm`,
 * `PyPI`…); the prefix before the first `:` picks it.
 */
import { apkComparator } from './apk.js';
import { composerComparator } from './composer.js';
import { dpkgComparator } from './dpkg.js';
import { goComparator } from './go.js';
import { mavenComparator } from './maven.js';
import { nugetComparator } from './nuget.js';
import { pep440Comparator } from './pep440.js';
import { rpmComparator } from './rpm.js';
import { rubygemsComparator } from './rubygems.js';
import { semverComparator } from './semver.js';
import type { VersionComparator } from './types.js';

const byScheme = new Map<string, VersionComparator>([
  dpkgComparator, apkComparator, rpmComparator, semverComparator, pep440Comparator, goComparator,
  rubygemsComparator, mavenComparator, nugetComparator, composerComparator,
].map((c) => [c.id, c]));

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
