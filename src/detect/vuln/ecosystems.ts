/**
 * Which OSV ecosystem a package's advisories live in. OS packages match
 * their distribution *and release*, by source package name.
 */
import { isOsEcosystem, languageOsvEcosystem } from '../../ecosystem/ecosystems.js';
import type { OSInfo } from '../../model/os.js';
import type { Package } from '../../model/package.js';

/** OSV ecosystem names to query for OS packages of this OS (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`…). */
export function osEcosystems(os: OSInfo | undefined, available: (prefix: string) => string[]): string[] {
  if (!os) return [];
  const v = os.versionId ?? os.name;
  switch (os.family) {
    case 'debian': {
      const major = /^(\d+)/.exec(v)?.[1] ?? /^(\d+)/.exec(os.name)?.[1];
      return major ? [`Debian:${major}`] : [];
    }
    case 'ubuntu': {
      const ver = /^(\d+\.\d+)/.exec(v)?.[1];
      return ver
        ? available(`Ubuntu:${ver}`)
            .concat(available(`Ubuntu:Pro:${ver}`))
            .filter((e) => e === `Ubuntu:${ver}` || e.startsWith(`Ubuntu:${ver}:`) || e.startsWith(`Ubuntu:Pro:${ver}`))
        : [];
    }
    case 'alpine': {
      const mm = /^(\d+\.\d+)/.exec(os.name)?.[1] ?? /^(\d+\.\d+)/.exec(v)?.[1];
      return mm ? [`Alpine:v${mm}`] : [];
    }
    case 'rocky':
      return [`Rocky Linux:${v.split('.')[0]}`];
    case 'alma':
      return [`AlmaLinux:${v.split('.')[0]}`];
    case 'wolfi':
      return ['Wolfi'];
    case 'chainguard':
      return ['Chainguard'];
    default:
      return [];
  }
}

export function isOsPackage(p: Package): boolean {
  return isOsEcosystem(p.ecosystem);
}

export function languageEcosystem(p: Package): string | undefined {
  return languageOsvEcosystem(p.ecosystem);
}

/** The name advisories use: the source package for OS packages. */
export function advisoryName(p: Package): string {
  return isOsPackage(p) ? (p.srcName ?? p.name) : p.name;
}

/**
 * The version advisories are compared with: a distribution's advisories are
 * about source packages, so a binary whose version differs from its source's
 * (Debian `postgresql-client 15+248+deb12u2` from `postgresql-common
 * 248+deb12u2`, binNMUs `+b1`, rpm sub-packages) is matched by the source
 * version. apk records no separate origin version: sub-packages share it.
 */
export function advisoryVersion(p: Package): string {
  return isOsPackage(p) ? (p.srcVersion ?? p.version) : p.version;
}
