/**
 * The merged artifact: the final filesystem's facts turned into one
 * inventory, every package carrying the layer that introduced it.
 */
import { ownedPaths, type AnalyzerOutput } from '../analyzer/types.js';
import type { Image } from '../source/image.js';
import { introducingLayer, type MergedFact, type MergedLayers } from './merge.js';
import type { OSInfo } from './os.js';
import type { LayerRef, Package } from './package.js';
import { applicationsOf, type ApplicationOf } from './applications.js';
import { mergeSightings } from './sightings.js';

export interface Artifact {
  os?: OSInfo;
  packages: Package[];
  /** Applications whose projects hold some of `packages` (see sightings.ts: projectOf). */
  applications: ApplicationOf[];
  layers: LayerRef[];
  merged: MergedLayers;
  warnings: string[];
}

/** The distribution-specific steps, supplied by the OS analyzers. */
export interface OsSupport {
  resolveOS(found: { path: string; os: OSInfo }[]): OSInfo | undefined;
  osPackagePurl(pkg: Package, os: OSInfo | undefined): string;
  eolInfo(os: OSInfo, now: Date): { eolDate?: string; eosl: boolean };
}

export interface ArtifactOptions {
  includeDevDeps: boolean;
}

/** Analyzer-level package types that are OS packages (re-typed to the OS family). */
const OS_PACKAGE_TYPES = new Set(['dpkg', 'apk', 'rpm']);

export function layerRefs(image: Image): LayerRef[] {
  return image.layers.map((l) => ({ digest: l.digest, diffId: l.diffId, createdBy: l.createdBy }));
}

export function buildArtifact(image: Image, merged: MergedLayers, os: OsSupport, opts: ArtifactOptions): Artifact {
  const layers = layerRefs(image);
  const osFacts = merged.current.flatMap((f) => (f.history.at(-1)?.output?.os ? [{ path: f.path, os: f.history.at(-1)!.output!.os! }] : []));
  const detectedOs = os.resolveOS(osFacts);
  if (detectedOs) {
    const eol = os.eolInfo(detectedOs, new Date());
    if (eol.eolDate) detectedOs.eolDate = eol.eolDate;
    if (eol.eosl) detectedOs.eosl = true;
  }

  const owner = ownersOfFiles(merged.current, languagePackagePaths(merged.current));
  const licencesOf = dpkgLicences(merged.current);

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
          const lic = licencesOf.get(pkg.name);
          if (lic && !pkg.licenses?.length) pkg.licenses = lic;
        } else {
          const own = owner.get(pkg.filePath.split('!')[0]!);
          if (own) pkg.ownedBy = own;
        }
        packages.push(pkg);
      }
    }
  }
  if (!opts.includeDevDeps) packages = packages.filter((p) => !p.dev);
  // go.mod lists what a module asks for, not what was built: only used when no Go binary says better.
  if (packages.some((p) => p.type === 'gobinary')) packages = packages.filter((p) => p.type !== 'gomod');
  packages = mergeSightings(packages);

  const manifests = merged.current.flatMap((f) => f.history.at(-1)?.output?.applications ?? []);
  return { os: detectedOs, packages, applications: applicationsOf(manifests, packages), layers, merged, warnings: merged.warnings };
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

function dpkgLicences(facts: MergedFact[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of facts) {
    const lic = f.history.at(-1)?.output?.extra?.['dpkgLicenses'] as Record<string, string[]> | undefined;
    if (lic) for (const [pkg, names] of Object.entries(lic)) m.set(pkg, names);
  }
  return m;
}
