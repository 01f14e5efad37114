/**
 * Everything customs knows about an ecosystem, in one declaration each:
 * whether it is an OS or a language ecosystem, the OSV ecosystem names its
 * advisories come under (with the vendor a severity is credited to), its
 * version ordering, its purl type, how advisories spell its package names,
 * and the result type an SBOM's package of that purl type is reported as.
 * The record is keyed by the `Ecosystem` type, so the compiler names every
 * declaration a new ecosystem needs.
 */
import type { Ecosystem } from '../model/package.js';
import { apkComparator } from '../version/apk.js';
import { composerComparator } from '../version/composer.js';
import { dpkgComparator } from '../version/dpkg.js';
import { goComparator } from '../version/go.js';
import { mavenComparator } from '../version/maven.js';
import { nugetComparator } from '../version/nuget.js';
import { pep440Comparator } from '../version/pep440.js';
import { rpmComparator } from '../version/rpm.js';
import { rubygemsComparator } from '../version/rubygems.js';
import { semverComparator } from '../version/semver.js';
import type { VersionComparator } from '../version/types.js';

export interface EcosystemSpec {
  kind: 'os' | 'language';
  /**
   * OSV ecosystem names (the part before any `:`) whose advisories apply, each
   * with the vendor its severities are credited to. The first is the one a
   * language package is matched in; OS packages are matched in their
   * distribution's (see detect/vuln/ecosystems.ts).
   */
  osv: Readonly<Record<string, string>>;
  comparator: VersionComparator;
  /** The purl type (`pkg:<type>/…`). */
  purlType: string;
  /** How advisories and the database key a name (PEP 503 for PyPI, case-folded where names are case-insensitive). */
  normaliseName: (name: string) => string;
  /** The result type a package read from an SBOM purl of this ecosystem gets. */
  sbomResultType: string;
}

const asIs = (name: string): string => name;
const lowerCase = (name: string): string => name.toLowerCase();
/** PEP 503: PyPI names match case- and separator-insensitively. */
const pep503 = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

export const ECOSYSTEMS: Readonly<Record<Ecosystem, EcosystemSpec>> = {
  deb: {
    kind: 'os',
    osv: { Debian: 'debian', Ubuntu: 'ubuntu' },
    comparator: dpkgComparator,
    purlType: 'deb',
    normaliseName: asIs,
    sbomResultType: 'dpkg',
  },
  apk: {
    kind: 'os',
    osv: { Alpine: 'alpine', Wolfi: 'wolfi', Chainguard: 'chainguard' },
    comparator: apkComparator,
    purlType: 'apk',
    normaliseName: asIs,
    sbomResultType: 'apk',
  },
  rpm: {
    kind: 'os',
    osv: {
      'Red Hat': 'red hat',
      AlmaLinux: 'almalinux',
      'Rocky Linux': 'rocky linux',
      openSUSE: 'opensuse',
      SUSE: 'suse',
      Mageia: 'mageia',
    },
    comparator: rpmComparator,
    purlType: 'rpm',
    normaliseName: asIs,
    sbomResultType: 'rpm',
  },
  npm: {
    kind: 'language',
    osv: { npm: 'nswg' },
    comparator: semverComparator,
    purlType: 'npm',
    normaliseName: asIs,
    sbomResultType: 'node-pkg',
  },
  pypi: {
    kind: 'language',
    osv: { PyPI: 'osv-pypi' },
    comparator: pep440Comparator,
    purlType: 'pypi',
    normaliseName: pep503,
    sbomResultType: 'python-pkg',
  },
  go: {
    kind: 'language',
    osv: { Go: 'go-vulndb' },
    comparator: goComparator,
    purlType: 'golang',
    normaliseName: asIs,
    sbomResultType: 'gobinary',
  },
  maven: {
    kind: 'language',
    osv: { Maven: 'maven' },
    comparator: mavenComparator,
    purlType: 'maven',
    normaliseName: asIs,
    sbomResultType: 'jar',
  },
  rubygems: {
    kind: 'language',
    osv: { RubyGems: 'rubysec' },
    comparator: rubygemsComparator,
    purlType: 'gem',
    normaliseName: asIs,
    sbomResultType: 'gemspec',
  },
  cargo: {
    kind: 'language',
    osv: { 'crates.io': 'rustsec' },
    comparator: semverComparator,
    purlType: 'cargo',
    normaliseName: asIs,
    sbomResultType: 'cargo',
  },
  composer: {
    kind: 'language',
    osv: { Packagist: 'friendsofphp' },
    comparator: composerComparator,
    purlType: 'composer',
    normaliseName: lowerCase,
    sbomResultType: 'composer',
  },
  nuget: {
    kind: 'language',
    osv: { NuGet: 'nuget' },
    comparator: nugetComparator,
    purlType: 'nuget',
    normaliseName: lowerCase,
    sbomResultType: 'nuget',
  },
};

const ALL = Object.entries(ECOSYSTEMS) as [Ecosystem, EcosystemSpec][];
const byOsvBase = new Map(
  ALL.flatMap(([eco, spec]) => Object.keys(spec.osv).map((base) => [base, { eco, spec }] as const)),
);
const byPurlType = new Map(ALL.map(([eco, spec]) => [spec.purlType, eco]));

/** The ecosystem an OSV ecosystem name (`Debian:12`, `PyPI`, `Ubuntu:Pro:22.04`) belongs to. */
export function ecosystemOfOsv(osvEcosystem: string): { eco: Ecosystem; spec: EcosystemSpec } | undefined {
  return byOsvBase.get(osvEcosystem.split(':')[0] ?? osvEcosystem);
}

/** The ecosystem of a purl type (`golang` → go, `gem` → rubygems). */
export function ecosystemOfPurlType(purlType: string): Ecosystem | undefined {
  return byPurlType.get(purlType);
}

/** The comparator for an OSV ecosystem name, or undefined when no declared ecosystem orders it. */
export function comparatorFor(osvEcosystem: string): VersionComparator | undefined {
  return ecosystemOfOsv(osvEcosystem)?.spec.comparator;
}

/** The vendor a severity from this OSV ecosystem is credited to. */
export function vendorOf(osvEcosystem: string): string {
  const base = osvEcosystem.split(':')[0] ?? osvEcosystem;
  return ecosystemOfOsv(osvEcosystem)?.spec.osv[base] ?? base.toLowerCase();
}

/** A package name as the database keys it in this OSV ecosystem. */
export function normalisePackageName(osvEcosystem: string, name: string): string {
  return ecosystemOfOsv(osvEcosystem)?.spec.normaliseName(name) ?? name;
}

/** The OSV ecosystem a language package is matched in; undefined for OS packages. */
export function languageOsvEcosystem(eco: Ecosystem): string | undefined {
  const spec = ECOSYSTEMS[eco];
  return spec.kind === 'language' ? Object.keys(spec.osv)[0] : undefined;
}

export function isOsEcosystem(eco: Ecosystem): boolean {
  return ECOSYSTEMS[eco].kind === 'os';
}

/**
 * An OS package version from the parts some SBOMs record separately (Trivy's
 * `SrcEpoch`, `SrcVersion`, `SrcRelease`): dpkg, rpm and apk all write
 * `epoch:version-release`, the epoch left out when it is 0 and the release
 * when there is none (a native Debian package).
 */
export function osVersionFromParts(parts: { epoch?: string; version: string; release?: string }): string {
  const epoch = parts.epoch && parts.epoch !== '0' ? `${parts.epoch}:` : '';
  return `${epoch}${parts.version}${parts.release ? `-${parts.release}` : ''}`;
}
