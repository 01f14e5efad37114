/**
 * The merged artifact: the final filesystem's facts turned into one
 * inventory, every package carrying the layer that introduced it.
 */
import { ownedPaths, type AnalyzerOutput } from '../model/facts.js';
import type { Image } from '../source/image.js';
import { introducingLayer } from './merge.js';
import type { Artifact, MergedFact, MergedLayers, OsSupport } from '../model/artifact.js';
import type { LayerRef, Package } from '../model/package.js';
import { resolveInImage } from './symlinks.js';
import { applicationsOf } from './applications.js';
import { mergeSightings } from './sightings.js';

export interface ArtifactOptions {
  includeDevDeps: boolean;
}

/** Analyzer-level package types that are OS packages (re-typed to the OS family). */
const OS_PACKAGE_TYPES = new Set(['dpkg', 'apk', 'rpm']);
const OS_ECOSYSTEMS = new Set<string>(['deb', 'apk', 'rpm']);

/** A directory's one layer is no layer of an image: nothing is attributed to it. */
export function layerRefs(image: Image): LayerRef[] {
  if (image.configless) return [];
  return image.layers.map((l) => ({ digest: l.digest, diffId: l.diffId, createdBy: l.createdBy }));
}

export function buildArtifact(image: Image, merged: MergedLayers, os: OsSupport, opts: ArtifactOptions): Artifact {
  const layers = layerRefs(image);
  const osFacts = merged.current.flatMap((f) =>
    f.history.at(-1)?.output?.os ? [{ path: f.path, os: f.history.at(-1)!.output!.os! }] : [],
  );
  const detectedOs = os.resolveOS(osFacts);
  if (detectedOs) {
    const eol = os.eolInfo(detectedOs, new Date());
    if (eol.eolDate) detectedOs.eolDate = eol.eolDate;
    if (eol.eosl) detectedOs.eosl = true;
  }

  const owner = ownersOfFiles(merged.current, languagePackagePaths(merged.current));
  const licensesOf = dpkgLicenses(merged);

  let packages: Package[] = [];
  for (const fact of merged.current) {
    const out = fact.history.at(-1)?.output;
    if (!out?.packageSets) continue;
    const presence = presenceIndex(fact);
    for (const set of out.packageSets) {
      for (const p of set.packages) {
        const layerIndex = introducingLayer(fact, (o) => presence.get(o)?.has(identity(p)) ?? false);
        const pkg: Package = { ...p, layer: layers[layerIndex] };
        if (OS_PACKAGE_TYPES.has(pkg.type)) {
          pkg.type = detectedOs?.family ?? pkg.type;
          pkg.purl = os.osPackagePurl(pkg, detectedOs);
          const lic = licensesOf.get(pkg.name);
          if (lic && !pkg.licenses?.length) pkg.licenses = lic;
        } else {
          const own = owner.get(pkg.filePath.split('!')[0]!);
          if (own) pkg.ownedBy = own;
        }
        packages.push(pkg);
      }
    }
  }
  inheritOwnerLicenses(packages);
  if (!opts.includeDevDeps) packages = packages.filter((p) => !p.dev);
  // go.mod lists what a module asks for, not what was built: only used when no Go binary says better.
  if (packages.some((p) => p.type === 'gobinary')) packages = packages.filter((p) => p.type !== 'gomod');
  packages = mergeSightings(packages);

  const manifests = merged.current.flatMap((f) => f.history.at(-1)?.output?.applications ?? []);
  return {
    os: detectedOs,
    packages,
    applications: applicationsOf(manifests, packages),
    layers,
    merged,
    warnings: merged.warnings,
  };
}

function identity(p: Package): string {
  return `${p.name}\0${p.version}\0${p.arch ?? ''}`;
}

/** For each historical output of a fact, the set of package identities in it. */
function presenceIndex(fact: MergedFact): Map<AnalyzerOutput | undefined, Set<string>> {
  const m = new Map<AnalyzerOutput | undefined, Set<string>>();
  for (const v of fact.history) {
    const ids = new Set<string>();
    for (const s of v.output?.packageSets ?? []) for (const p of s.packages) ids.add(identity(p));
    m.set(v.output, ids);
  }
  return m;
}

/** The files language packages were read from: the only paths whose OS owner matters. */
function languagePackagePaths(facts: MergedFact[]): Set<string> {
  const paths = new Set<string>();
  for (const f of facts) {
    for (const set of f.history.at(-1)?.output?.packageSets ?? []) {
      for (const p of set.packages) if (!OS_PACKAGE_TYPES.has(p.type)) paths.add(p.filePath.split('!')[0]!);
    }
  }
  return paths;
}

/** Image path → name of the OS package that installed it, for these paths (an image's OS owns ~10^5 files). */
function ownersOfFiles(facts: MergedFact[], paths: Set<string>): Map<string, string> {
  const owner = new Map<string, string>();
  if (!paths.size) return owner;
  for (const f of facts) {
    const owned = f.history.at(-1)?.output?.ownedFiles;
    if (!owned) continue;
    for (const key in owned) {
      const pkg = key.split(':')[0]!; // dpkg lists of multi-arch packages are named `name:arch`
      for (const path of ownedPaths(owned[key]!)) if (paths.has(path)) owner.set(path, pkg);
    }
  }
  return owner;
}

/**
 * A file an OS package installed is under that package's licence when its
 * own metadata names none (Debian's jars: the pom inherits `<licenses>` from
 * a parent pom that is not in the archive).
 */
function inheritOwnerLicenses(packages: Package[]): void {
  const osLicenses = new Map<string, string[]>();
  for (const p of packages)
    if (OS_ECOSYSTEMS.has(p.ecosystem) && p.licenses?.length) osLicenses.set(p.name, p.licenses);
  for (const p of packages) {
    if (!p.ownedBy || p.licenses?.length) continue;
    const lic = osLicenses.get(p.ownedBy);
    if (lic) p.licenses = lic;
  }
}

/**
 * Debian package name → licences of its copyright file. A package whose doc
 * directory (or copyright file) is a symlink in the image reads the file it
 * leads to: `usr/share/doc/libgcc-s1 -> gcc-12-base` gets gcc-12-base's.
 */
function dpkgLicenses(merged: MergedLayers): { get(pkg: string): string[] | undefined } {
  const byPath = new Map<string, string[]>();
  for (const f of merged.current) {
    const lic = f.history.at(-1)?.output?.extra?.['dpkgLicenses'] as Record<string, string[]> | undefined;
    if (lic) for (const names of Object.values(lic)) byPath.set(f.path, names);
  }
  return {
    get(pkg) {
      const path = `usr/share/doc/${pkg}/copyright`;
      const direct = byPath.get(path);
      if (direct || !merged.symlinks.size) return direct;
      const resolved = resolveInImage(path, merged.symlinks);
      return resolved === undefined ? undefined : byPath.get(resolved);
    },
  };
}
