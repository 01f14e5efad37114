/**
 * Turns the merged artifact into the report model: one result per OS, one
 * per aggregated language type, one per lockfile or binary.
 */
import { isOsEcosystem } from '../ecosystem/ecosystems.js';
import type { Artifact } from '../model/artifact.js';
import type { Package } from '../model/package.js';
import { markUnknownLicenses } from '../license/unknown.js';
import type { Image } from '../source/image.js';
import type { Report, Result } from '../model/report.js';

/** Installed-metadata types Trivy aggregates into one result per language. */
const AGGREGATED_TARGETS: Record<string, string> = {
  'node-pkg': 'Node.js',
  'python-pkg': 'Python',
  'conda-pkg': 'Conda',
  gemspec: 'Ruby',
  jar: 'Java',
};

export interface BuildReportOptions {
  artifactType: Report['artifactType'];
  now?: Date;
}

export function buildReport(image: Image, artifact: Artifact, opts: BuildReportOptions): Report {
  const results: Result[] = [];
  markUnknownLicenses(artifact.packages);
  const osPkgs = artifact.packages.filter((p) => isOsEcosystem(p.ecosystem));
  if (artifact.os || osPkgs.length) {
    const os = artifact.os;
    const target = os ? `${image.name} (${os.family} ${os.name})` : image.name;
    results.push({
      target,
      class: 'os-pkgs',
      type: os?.family ?? osPkgs[0]?.type ?? 'unknown',
      packages: sortPackages(osPkgs),
    });
  }
  const groups = new Map<string, Result>();
  for (const p of artifact.packages) {
    if (isOsEcosystem(p.ecosystem)) continue;
    const target = AGGREGATED_TARGETS[p.type] ?? p.filePath.split('!')[0]!;
    const key = `${p.type}\0${target}`;
    let r = groups.get(key);
    if (!r) {
      r = { target, class: 'lang-pkgs', type: p.type, packages: [] };
      groups.set(key, r);
    }
    r.packages!.push(p);
  }
  for (const r of [...groups.values()].sort((a, b) => cmp(a.target, b.target) || cmp(a.type, b.type))) {
    r.packages = sortPackages(r.packages!);
    results.push(r);
  }
  return {
    schemaVersion: 2,
    createdAt: (opts.now ?? new Date()).toISOString(),
    artifactName: image.name,
    artifactType: opts.artifactType,
    // A directory has no image id, layers or config: its stand-ins stay out of the report.
    metadata: image.configless
      ? { os: artifact.os, diffIds: [], repoTags: [], repoDigests: [], repository: image.repository }
      : {
          os: artifact.os,
          imageId: image.id,
          diffIds: image.layers.map((l) => l.diffId),
          repoTags: image.repoTags,
          repoDigests: image.repoDigests,
          manifestDigest: image.manifestDigest,
          refName: image.refName,
          imageConfig: image.config,
          ...(image.container ? { container: image.container } : {}),
        },
    results,
    ...(artifact.applications.length ? { applications: artifact.applications } : {}),
    warnings: artifact.warnings,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortPackages(pkgs: Package[]): Package[] {
  return [...pkgs].sort(
    (a, b) =>
      cmp(a.name, b.name) ||
      cmp(a.version, b.version) ||
      cmp(a.filePath, b.filePath) ||
      cmp(a.arch ?? '', b.arch ?? ''),
  );
}
