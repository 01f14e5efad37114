/**
 * SPDX 2.x, JSON and tag-value, as customs, Trivy and Syft write it.
 * Packages come from their purl; the source package from customs' comment,
 * Trivy's `sourceInfo` (`built package from: glibc 2.36-9+deb12u10`) or the
 * purl's `upstream` qualifier (Syft); relationships give a Trivy
 * application's path to the packages it contains, and Syft's
 * `ownership-by-file-overlap` the OS package that owns a language package.
 */
import { isOsEcosystem } from '../../ecosystem/ecosystems.js';
import type { Package } from '../../model/package.js';
import { objects, object, str } from './json.js';
import type { SbomInventory } from './inventory.js';
import { tooManyComponents, type SbomLimits } from './limits.js';
import { sbomOs } from './os.js';
import { packageFromPurl, type SbomExtras } from './purl-package.js';
import { applyOwnSourceConvention, sourceFromTrivySourceInfo } from './source-package.js';

/** How customs' SPDX output marks the application of a project manifest. */
export const APPLICATION_SOURCE_INFO = 'project manifest ';

/** The fields of an SPDX package (JSON names) and relationship that are read; tag-value is read into the same shape. */
export interface SpdxPackage {
  SPDXID?: string;
  name?: string;
  versionInfo?: string;
  primaryPackagePurpose?: string;
  externalRefs?: { referenceType?: string; referenceLocator?: string }[];
  comment?: string;
  licenseDeclared?: string;
  sourceInfo?: string;
}
export interface SpdxRelationship {
  spdxElementId?: string;
  relatedSpdxElement?: string;
  relationshipType?: string;
  comment?: string;
}
export interface SpdxDocument {
  creators: string[];
  packages: SpdxPackage[];
  relationships: SpdxRelationship[];
}

function spdxComment(comment: unknown): SbomExtras {
  const e: SbomExtras = {};
  if (typeof comment !== 'string') return e;
  // Plain `customs:key=value; …` text; customs before 0.2 percent-encoded the values.
  for (const m of comment.matchAll(/customs:(\w+)=([^;]*)/g)) {
    let v = m[2]!.trim();
    if (/%[0-9A-Fa-f]{2}/.test(v)) {
      try {
        v = decodeURIComponent(v);
      } catch {
        /* a literal % */
      }
    }
    if (!v) continue;
    if (m[1] === 'src_name') e.srcName = v;
    else if (m[1] === 'src_version') e.srcVersion = v;
    else if (m[1] === 'owned_by') e.ownedBy = v;
    else if (m[1] === 'file_path') e.filePath = v;
    else if (m[1] === 'type') e.type = v;
    else if (m[1] === 'origin') e.origin = v;
  }
  return e;
}

const byTool = (creators: string[], tool: string): boolean => creators.some((c) => c.startsWith(`Tool: ${tool}-`));

/** Trivy's applications (a Go binary, a lockfile) name their path in `sourceInfo`; what they CONTAIN lives there. */
function trivyApplicationPaths(doc: SpdxDocument): Map<string, string> {
  const apps = new Map<string, string>();
  for (const p of doc.packages) {
    const path = p.sourceInfo;
    if (p.primaryPackagePurpose === 'APPLICATION' && p.SPDXID && path && !path.startsWith(APPLICATION_SOURCE_INFO))
      apps.set(p.SPDXID, path);
  }
  const pathOf = new Map<string, string>();
  for (const r of doc.relationships) {
    const app = r.spdxElementId !== undefined ? apps.get(r.spdxElementId) : undefined;
    if (app && r.relationshipType === 'CONTAINS' && r.relatedSpdxElement) pathOf.set(r.relatedSpdxElement, app);
  }
  return pathOf;
}

/** Syft's `OTHER` relationship whose comment starts `ownership-by-file-overlap`: parent owns child's files. */
function syftOwners(doc: SpdxDocument): Map<string, string> {
  const owner = new Map<string, string>();
  for (const r of doc.relationships)
    if (
      r.relationshipType === 'OTHER' &&
      r.comment?.startsWith('ownership-by-file-overlap') &&
      r.spdxElementId &&
      r.relatedSpdxElement
    )
      owner.set(r.relatedSpdxElement, r.spdxElementId);
  return owner;
}

export function readSpdx(doc: SpdxDocument, file: string, inv: SbomInventory, limits: SbomLimits): void {
  if (doc.packages.length > limits.maxComponents) throw tooManyComponents(file, limits);
  const trivy = byTool(doc.creators, 'trivy');
  const appPathOf = trivy ? trivyApplicationPaths(doc) : new Map<string, string>();
  const ownerOf = syftOwners(doc);
  const byId = new Map<string, Package>();
  const read: Package[] = [];
  for (const raw of doc.packages) {
    const { name, versionInfo, primaryPackagePurpose: purpose, licenseDeclared: declared, SPDXID: id } = raw;
    if (purpose === 'OPERATING_SYSTEM' || purpose === 'OPERATING-SYSTEM') {
      if (name) inv.os ??= sbomOs(name, versionInfo ?? '');
      continue;
    }
    // The image, and the applications customs writes for its projects, are what the packages belong to, not packages to match.
    if (purpose === 'CONTAINER' || (purpose === 'APPLICATION' && raw.sourceInfo?.startsWith(APPLICATION_SOURCE_INFO)))
      continue;
    const purl = raw.externalRefs?.find((r) => r.referenceType === 'purl')?.referenceLocator;
    if (!purl) continue;
    const lic = declared && !['NOASSERTION', 'NONE'].includes(declared) ? [declared] : undefined;
    const extras = spdxComment(raw.comment);
    const trivySource = trivy ? sourceFromTrivySourceInfo(raw.sourceInfo) : undefined;
    if (trivySource && !extras.srcName) {
      extras.srcName = trivySource.name;
      extras.srcVersion = trivySource.version;
    }
    if (id) extras.filePath ??= appPathOf.get(id);
    const pkg = packageFromPurl(purl, { ...extras, licenses: lic, name }, file);
    if (pkg) {
      read.push(pkg);
      if (id) byId.set(id, pkg);
    } else
      inv.warnings.push(
        `${file}: package ${JSON.stringify(name ?? '?')}: purl ${purl.slice(0, 100)} is not one customs can match; skipped`,
      );
  }
  for (const [child, parent] of ownerOf) {
    const c = byId.get(child),
      p = byId.get(parent);
    if (c && p && isOsEcosystem(p.ecosystem) && !isOsEcosystem(c.ecosystem)) c.ownedBy ??= p.name;
  }
  if (byTool(doc.creators, 'syft')) applyOwnSourceConvention(read);
  inv.packages.push(...read);
}

/** SPDX JSON's document, its arrays checked. */
export function spdxJsonDocument(doc: Record<string, unknown>): SpdxDocument {
  return {
    creators: (Array.isArray(object(doc['creationInfo'])?.['creators'])
      ? (object(doc['creationInfo'])!['creators'] as unknown[])
      : []
    ).filter((c): c is string => typeof c === 'string'),
    packages: objects(doc['packages']).map((p) => ({
      SPDXID: str(p['SPDXID']),
      name: str(p['name']),
      versionInfo: str(p['versionInfo']),
      primaryPackagePurpose: str(p['primaryPackagePurpose']),
      externalRefs: objects(p['externalRefs']).map((r) => ({
        referenceType: str(r['referenceType']),
        referenceLocator: str(r['referenceLocator']),
      })),
      comment: str(p['comment']),
      licenseDeclared: str(p['licenseDeclared']),
      sourceInfo: str(p['sourceInfo']),
    })),
    relationships: objects(doc['relationships']).map((r) => ({
      spdxElementId: str(r['spdxElementId']),
      relatedSpdxElement: str(r['relatedSpdxElement']),
      relationshipType: str(r['relationshipType']),
      comment: str(r['comment']),
    })),
  };
}

/** `<text>…</text>` spans with their newlines made spaces, found with indexOf (linear, whatever the input). */
function joinTextSpans(text: string): string {
  let out = '';
  let at = 0;
  for (let open = text.indexOf('<text>'); open !== -1; open = text.indexOf('<text>', at)) {
    const close = text.indexOf('</text>', open);
    if (close === -1) break;
    out += text.slice(at, open) + text.slice(open, close).replace(/\r?\n/g, ' ');
    at = close;
  }
  return out + text.slice(at);
}

/** SPDX tag-value: packages start at `PackageName:`; relationships are `Relationship: A TYPE B` lines. */
export function spdxTagValueDocument(text: string): SpdxDocument {
  const doc: SpdxDocument = { creators: [], packages: [], relationships: [] };
  let cur: SpdxPackage | undefined;
  let rel: SpdxRelationship | undefined;
  for (const line of joinTextSpans(text).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 1 || !/^[A-Za-z]+$/.test(line.slice(0, colon))) continue;
    const tag = line.slice(0, colon);
    const v = line
      .slice(colon + 1)
      .replace(/^ /, '')
      .replace(/^<text>|<\/text>$/g, '');
    if (tag === 'Creator') doc.creators.push(v.trim());
    else if (tag === 'Relationship') {
      const [a, type, b] = v.trim().split(/\s+/);
      rel = { spdxElementId: a, relationshipType: type, relatedSpdxElement: b };
      doc.relationships.push(rel);
    } else if (tag === 'RelationshipComment' && rel) rel.comment = v;
    else if (tag === 'PackageName') {
      cur = { name: v };
      doc.packages.push(cur);
    } else if (!cur) continue;
    else if (tag === 'SPDXID') cur.SPDXID = v.trim();
    else if (tag === 'PackageVersion') cur.versionInfo = v;
    else if (tag === 'PrimaryPackagePurpose') cur.primaryPackagePurpose = v;
    else if (tag === 'PackageComment') cur.comment = v;
    else if (tag === 'PackageSourceInfo') cur.sourceInfo = v;
    else if (tag === 'PackageLicenseDeclared') cur.licenseDeclared = v;
    else if (tag === 'ExternalRef') {
      const [, type, locator] = v.split(/\s+/);
      (cur.externalRefs ??= []).push({ referenceType: type, referenceLocator: locator });
    }
  }
  return doc;
}
