/**
 * CycloneDX (JSON, and XML turned into the JSON shape) as customs, Trivy and
 * Syft write it. Packages come from purls; the source package and file path
 * from each tool's properties (`customs:package:*`; Trivy's
 * `aquasecurity:trivy:Src*` and `FilePath`; Syft's `syft:metadata:*` and
 * `syft:location:0:path`); a Trivy application component (a Go binary, a
 * lockfile) gives its path to the packages it depends on.
 */
import { parseSourceRpm } from '../../analyzer/os/source-rpm.js';
import { scalarText } from '../../util/scalar-text.js';
import { objects, object, str, type Json } from './json.js';
import { packageFromPurl, type SbomExtras } from './purl-package.js';
import type { SbomInventory } from './inventory.js';
import { tooManyComponents, type SbomLimits } from './limits.js';
import { sbomOs } from './os.js';
import { applyOwnSourceConvention, trivySourceVersion } from './source-package.js';

function extrasFromProperties(props: unknown): SbomExtras {
  const e: SbomExtras = {};
  const trivySrc: { version?: string; release?: string; epoch?: string } = {};
  const syft: Record<string, string> = {};
  for (const p of objects(props)) {
    const n = scalarText(p['name'], ''),
      v = str(p['value']);
    if (!v) continue;
    if (n === 'customs:package:src_name' || n === 'aquasecurity:trivy:SrcName') e.srcName = v;
    else if (n === 'customs:package:src_version') e.srcVersion = v;
    else if (n === 'aquasecurity:trivy:SrcVersion') trivySrc.version = v;
    else if (n === 'aquasecurity:trivy:SrcRelease') trivySrc.release = v;
    else if (n === 'aquasecurity:trivy:SrcEpoch') trivySrc.epoch = v;
    else if (n === 'customs:package:owned_by') e.ownedBy = v;
    else if (n === 'customs:package:file_path' || n === 'aquasecurity:trivy:FilePath') e.filePath = v;
    else if (n === 'customs:package:type' || n === 'aquasecurity:trivy:PkgType') e.type = v;
    else if (n === 'customs:package:origin') e.origin = v;
    else if (n === 'customs:package:arch') e.arch = v;
    else if (n.startsWith('syft:')) syft[n] = v;
  }
  e.srcVersion ??= trivySourceVersion(trivySrc);
  // Syft's package metadata, one property per field (dpkg source/sourceVersion, apk originPackage, rpm sourceRpm).
  const srpm = syft['syft:metadata:sourceRpm'];
  // A source rpm's file name is short; a stranger's megabyte of dashes never reaches the backtracking regex.
  const rpm = srpm && srpm.length <= 1024 ? parseSourceRpm(srpm) : undefined;
  e.srcName ??= syft['syft:metadata:source'] ?? syft['syft:metadata:originPackage'] ?? rpm?.name;
  const rpmEpoch = syft['syft:metadata:epoch'];
  e.srcVersion ??=
    syft['syft:metadata:sourceVersion'] ??
    (rpm?.version && rpmEpoch && rpmEpoch !== '0' ? `${rpmEpoch}:${rpm.version}` : rpm?.version);
  const path = syft['syft:location:0:path'];
  if (path) e.filePath ??= path.replace(/^\/+/, '');
  return e;
}

function cdxLicenses(c: Json): string[] {
  return objects(c['licenses'])
    .map((l) => {
      const lic = object(l['license']);
      return str(l['expression']) ?? str(lic?.['id']) ?? str(lic?.['name']);
    })
    .filter((x): x is string => x !== undefined);
}

/** CycloneDX 1.4 lists tools as objects; 1.5+ as `{components: […]}`. */
function writtenBySyft(doc: Json): boolean {
  const tools = object(doc['metadata'])?.['tools'];
  const list = Array.isArray(tools) ? objects(tools) : objects(object(tools)?.['components']);
  return list.some((t) => str(t['name'])?.toLowerCase() === 'syft');
}

/** Trivy's application components (class lang-pkgs): bom-ref → the path it names (`app/goapp`). */
function trivyApplicationPaths(doc: Json, components: Json[]): Map<string, string> {
  const apps = new Map<string, string>();
  for (const c of components) {
    const ref = str(c['bom-ref']),
      name = str(c['name']);
    const langPkgs = objects(c['properties']).some(
      (p) => p['name'] === 'aquasecurity:trivy:Class' && p['value'] === 'lang-pkgs',
    );
    if (c['type'] === 'application' && ref && name && langPkgs) apps.set(ref, name);
  }
  const pathOf = new Map<string, string>();
  for (const d of objects(doc['dependencies'])) {
    const app = apps.get(scalarText(d['ref'], ''));
    if (app) for (const dep of Array.isArray(d['dependsOn']) ? d['dependsOn'] : []) pathOf.set(String(dep), app);
  }
  return pathOf;
}

export function readCycloneDx(doc: Json, file: string, inv: SbomInventory, limits: SbomLimits): void {
  const all: Json[] = [];
  const stack: { c: Json; depth: number }[] = objects(doc['components']).map((c) => ({ c, depth: 0 }));
  while (stack.length) {
    const { c, depth } = stack.pop()!;
    if (all.length >= limits.maxComponents) throw tooManyComponents(file, limits);
    all.push(c);
    if (depth < 32) for (const sub of objects(c['components'])) stack.push({ c: sub, depth: depth + 1 });
    else if (c['components']) inv.warnings.push(`${file}: components nested deeper than 32 levels are ignored`);
  }
  const appPathOf = trivyApplicationPaths(doc, all);
  const read: SbomInventory['packages'] = [];
  for (const c of all) {
    if (c['type'] === 'operating-system' && typeof c['name'] === 'string') {
      inv.os ??= sbomOs(c['name'], scalarText(c['version'], ''));
      continue;
    }
    if (
      typeof c['purl'] !== 'string' ||
      c['type'] === 'container' ||
      (c['type'] === 'application' &&
        objects(c['properties']).some((p) => p['name'] === 'customs:application:file_path'))
    )
      continue;
    const extras = extrasFromProperties(c['properties']);
    extras.filePath ??= appPathOf.get(scalarText(c['bom-ref'], ''));
    const pkg = packageFromPurl(c['purl'], { ...extras, licenses: cdxLicenses(c), name: str(c['name']) }, file);
    if (pkg) read.push(pkg);
    else
      inv.warnings.push(
        `${file}: component ${JSON.stringify(scalarText(c['bom-ref'] ?? c['name'], '?')).slice(0, 100)}: purl ${String(c['purl']).slice(0, 100)} is not one customs can match; skipped`,
      );
  }
  if (writtenBySyft(doc)) applyOwnSourceConvention(read);
  inv.packages.push(...read);
  const meta = object(object(doc['metadata'])?.['component']);
  if (typeof meta?.['name'] === 'string') inv.name = meta['name'];
}
