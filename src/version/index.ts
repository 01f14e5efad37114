/**
 * The version comparators, one module per scheme, by scheme id. Which
 * ecosystem uses which is declared in ecosystem/ecosystems.ts.
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

const byScheme = new Map<string, VersionComparator>(
  [
    dpkgComparator,
    apkComparator,
    rpmComparator,
    semverComparator,
    pep440Comparator,
    goComparator,
    rubygemsComparator,
    mavenComparator,
    nugetComparator,
    composerComparator,
  ].map((c) => [c.id, c]),
);

export function comparatorById(id: string): VersionComparator | undefined {
  return byScheme.get(id);
}

export type { VersionComparator } from './types.js';
export { InvalidVersionError } from './types.js';
