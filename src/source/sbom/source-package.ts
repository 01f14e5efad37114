/**
 * How other tools write the source package of an OS package, and what is
 * said when a document does not: advisories for Debian, Ubuntu and Alpine
 * are filed under the source package (glibc, not libc6), so an OS package
 * read without its source matches only the advisories that happen to share
 * its binary name.
 */
import { isOsEcosystem, osVersionFromParts } from '../../ecosystem/ecosystems.js';
import type { Package } from '../../model/package.js';

/** Trivy's SPDX `sourceInfo` for an OS package: `built package from: glibc 2.36-9+deb12u10`. */
const TRIVY_SOURCE_INFO = 'built package from: ';

export function sourceFromTrivySourceInfo(
  sourceInfo: string | undefined,
): { name: string; version: string } | undefined {
  if (!sourceInfo?.startsWith(TRIVY_SOURCE_INFO) || sourceInfo.length > 1024) return undefined;
  const [name, version, ...rest] = sourceInfo.slice(TRIVY_SOURCE_INFO.length).trim().split(/\s+/);
  return name && version && rest.length === 0 ? { name, version } : undefined;
}

/**
 * Trivy's CycloneDX properties split the source version as its package
 * model does (`SrcVersion` 2.36, `SrcRelease` 9+deb12u10, `SrcEpoch` 1);
 * joined here the way the distribution writes it. A `SrcVersion` that
 * already holds the whole version (no release given) is kept as it is.
 */
export function trivySourceVersion(parts: { version?: string; release?: string; epoch?: string }): string | undefined {
  if (!parts.version) return undefined;
  return osVersionFromParts({ version: parts.version, release: parts.release, epoch: parts.epoch });
}

/**
 * Syft writes an OS package's source (purl `upstream`, `syft:metadata:source`,
 * `metadata.source`) only when the package database names one; a package
 * without it is its own source, as dpkg (no `Source:` field), apk (no
 * origin) and rpm read it. Applied only to documents Syft wrote.
 */
export function applyOwnSourceConvention(packages: Package[]): void {
  for (const p of packages) if (isOsEcosystem(p.ecosystem) && !p.srcName) p.srcName = p.name;
}

/** The warning for OS packages the document gave no source package for, or undefined when none lack one. */
export function missingSourceWarning(label: string, packages: Package[]): string | undefined {
  const os = packages.filter((p) => isOsEcosystem(p.ecosystem));
  const missing = os.filter((p) => !p.srcName);
  if (!missing.length) return undefined;
  const examples = missing
    .slice(0, 3)
    .map((p) => p.name)
    .join(', ');
  return (
    `${label}: ${missing.length} of ${os.length} OS packages (${examples}${missing.length > 3 ? ', …' : ''}) ` +
    'have no source package in the SBOM, so advisories filed under their source package (glibc for libc6) ' +
    'may be missed; write the SBOM with its source packages (Trivy, Syft and customs do) or scan the image'
  );
}
