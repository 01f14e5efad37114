/**
 * Syft's own JSON (`syft -o json`): `artifacts` (purl, locations, licenses and
 * the package database's metadata), `artifactRelationships` and `distro`
 * (the image's os-release). The source package comes from the metadata as
 * the package database wrote it: dpkg `source`/`sourceVersion`, apk
 * `originPackage`, rpm `sourceRpm` (with `epoch`).
 */
import { parseSourceRpm } from '../../analyzer/os/source-rpm.js';
import { isOsEcosystem } from '../../ecosystem/ecosystems.js';
import type { OSInfo } from '../../model/os.js';
import type { Package } from '../../model/package.js';
import { parsePurl } from '../../model/purl.js';
import type { SbomInventory } from './inventory.js';
import { objects, object, str, type Json } from './json.js';
import { tooManyComponents, type SbomLimits } from './limits.js';
import { sbomOs } from './os.js';
import { packageFromPurl, type SbomExtras } from './purl-package.js';
import { applyOwnSourceConvention } from './source-package.js';

/** A Syft JSON document: artifacts, and Syft named as the tool (or its relationships list beside them). */
export function isSyftJson(doc: Json): boolean {
  return (
    Array.isArray(doc['artifacts']) &&
    (str(object(doc['descriptor'])?.['name']) === 'syft' || Array.isArray(doc['artifactRelationships']))
  );
}

/** Syft's `distro` is the image's os-release, field by field. */
function osOfDistro(distro: Json | undefined): OSInfo | undefined {
  const id = str(distro?.['id']);
  if (!id) return undefined;
  return sbomOs(id, str(distro?.['versionID']) ?? '', str(distro?.['versionCodename']));
}

/** The source package the package database names, by the artifact's purl type. */
function sourceOf(
  purlType: string | undefined,
  metadata: Json | undefined,
): Pick<SbomExtras, 'srcName' | 'srcVersion'> {
  if (!metadata) return {};
  const nonEmpty = (v: unknown): string | undefined => str(v) || undefined;
  switch (purlType) {
    case 'deb':
      return { srcName: nonEmpty(metadata['source']), srcVersion: nonEmpty(metadata['sourceVersion']) };
    case 'apk':
      return { srcName: nonEmpty(metadata['originPackage']) };
    case 'rpm': {
      const srpm = nonEmpty(metadata['sourceRpm']);
      const { name, version } = srpm && srpm.length <= 1024 ? parseSourceRpm(srpm) : {};
      const epoch = typeof metadata['epoch'] === 'number' && metadata['epoch'] > 0 ? `${metadata['epoch']}:` : '';
      return { srcName: name, srcVersion: version && `${epoch}${version}` };
    }
    default:
      return {};
  }
}

/** Schema 6 lists licenses as strings; later schemas as objects with `spdxExpression` or `value`. */
function licensesOf(a: Json): string[] {
  const list = Array.isArray(a['licenses']) ? (a['licenses'] as unknown[]) : [];
  return list
    .map((l) => str(l) ?? str(object(l)?.['spdxExpression']) ?? str(object(l)?.['value']))
    .filter((x): x is string => !!x);
}

export function readSyftJson(doc: Json, file: string, inv: SbomInventory, limits: SbomLimits): void {
  const artifacts = objects(doc['artifacts']);
  if (artifacts.length > limits.maxComponents) throw tooManyComponents(file, limits);
  inv.os = osOfDistro(object(doc['distro']));
  const byId = new Map<string, Package>();
  const read: Package[] = [];
  for (const a of artifacts) {
    const purl = str(a['purl']);
    const name = str(a['name']);
    if (!purl) {
      inv.warnings.push(`${file}: artifact ${JSON.stringify(name ?? '?').slice(0, 100)} has no purl; skipped`);
      continue;
    }
    const path = str(objects(a['locations'])[0]?.['path'])?.replace(/^\/+/, '');
    const extras: SbomExtras = {
      ...sourceOf(parsePurl(purl)?.type, object(a['metadata'])),
      name,
      licenses: licensesOf(a),
    };
    if (path) extras.filePath = path;
    const pkg = packageFromPurl(purl, extras, file);
    if (!pkg) {
      inv.warnings.push(
        `${file}: artifact ${JSON.stringify(name ?? '?').slice(0, 100)}: purl ${purl.slice(0, 100)} is not one customs can match; skipped`,
      );
      continue;
    }
    read.push(pkg);
    const id = str(a['id']);
    if (id) byId.set(id, pkg);
  }
  // The OS package whose files overlap a language package's: the distribution shipped it.
  for (const r of objects(doc['artifactRelationships'])) {
    if (r['type'] !== 'ownership-by-file-overlap') continue;
    const parent = byId.get(str(r['parent']) ?? ''),
      child = byId.get(str(r['child']) ?? '');
    if (parent && child && isOsEcosystem(parent.ecosystem) && !isOsEcosystem(child.ecosystem))
      child.ownedBy ??= parent.name;
  }
  applyOwnSourceConvention(read);
  inv.packages.push(...read);
  const source = object(doc['source']);
  const name = str(source?.['name']) ?? str(object(source?.['metadata'])?.['userInput']);
  if (name) inv.name = name;
}
