/**
 * The SPDX 2.3 document both SPDX formats serialise: the image, the OS and
 * every package, with DESCRIBES / CONTAINS / DEPENDS_ON relationships.
 */
import { randomUUID } from 'node:crypto';
import { isSpdxExpression, normaliseLicense } from '../../license/spdx.js';
import { isUnknownLicense } from '../../license/unknown.js';
import type { Report } from '../../model/report.js';
import { APPLICATION_SOURCE_INFO } from '../../source/sbom/read.js';
import { imageIdentity } from '../image-identity.js';
import { applicationsOf, inventoryOf, licenseExpression, shortHash } from './inventory.js';
import type { FormatOptions } from './options.js';

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier?: string;
  downloadLocation: 'NOASSERTION';
  filesAnalyzed: false;
  licenseConcluded: string;
  licenseDeclared: string;
  primaryPackagePurpose?: 'CONTAINER' | 'OPERATING_SYSTEM' | 'LIBRARY' | 'APPLICATION';
  externalRefs?: { referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }[];
  sourceInfo?: string;
  attributionTexts?: string[];
  /** customs' own package facts, `customs:key=value` pairs, so an SBOM customs wrote scans like its image. */
  comment?: string;
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: {
    spdxElementId: string;
    relationshipType: 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON';
    relatedSpdxElement: string;
  }[];
  hasExtractedLicensingInfos?: { licenseId: string; extractedText: string; name: string }[];
}

/** SPDX ids allow letters, digits, `.` and `-` only. */
function spdxId(kind: string, ...parts: string[]): string {
  return `SPDXRef-${kind}-${shortHash(...parts)}`;
}

export function buildSpdxDocument(report: Report, opts: FormatOptions): SpdxDocument {
  const extracted = new Map<string, string>();
  // SPDX requires every LicenseRef an expression uses to be declared in hasExtractedLicensingInfos.
  const declareRefs = (expr: string): string => {
    for (const m of expr.matchAll(/LicenseRef-[A-Za-z0-9.-]+/g))
      if (!extracted.has(m[0])) extracted.set(m[0], m[0].slice('LicenseRef-'.length));
    return expr;
  };
  const statedLicense = (raw: string[] | undefined): string => {
    const expr = licenseExpression(raw);
    if (!expr) return 'NOASSERTION';
    const spdx = normaliseLicense(expr);
    if (spdx) return spdx;
    const parts = (raw ?? []).map((r) => {
      const n = normaliseLicense(r);
      if (n) return isSpdxExpression(n) && /\s/.test(n) ? `(${n})` : n;
      const id = `LicenseRef-${shortHash(r)}`;
      extracted.set(id, r);
      return id;
    });
    return parts.join(' AND ');
  };
  const license = (raw: string[] | undefined): string =>
    isUnknownLicense(raw)
      ? 'NOASSERTION' /* SPDX's word for "the metadata states none" */
      : declareRefs(statedLicense(raw));

  const identity = imageIdentity(report);
  const imageId = spdxId('Image', identity.name, report.metadata.imageId ?? '');
  const image: SpdxPackage = {
    SPDXID: imageId,
    name: identity.name,
    versionInfo: report.metadata.imageId || undefined,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    primaryPackagePurpose: report.artifactType === 'container_image' ? 'CONTAINER' : 'APPLICATION',
    attributionTexts: [
      ...report.metadata.repoTags.map((t) => `RepoTag: ${t}`),
      ...report.metadata.repoDigests.map((d) => `RepoDigest: ${d}`),
    ],
  };
  if (identity.purl)
    image.externalRefs = [
      { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: identity.purl },
    ];
  const packages: SpdxPackage[] = [image];
  const relationships: SpdxDocument['relationships'] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId },
  ];
  const os = report.metadata.os;
  const osId = os ? spdxId('OperatingSystem', os.family, os.name) : undefined;
  if (os && osId) {
    packages.push({
      SPDXID: osId,
      name: os.family,
      versionInfo: os.name,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: osId });
  }
  const items = inventoryOf(report);
  const idOf = new Map<string, string>();
  for (const item of items) {
    const p = item.pkg;
    const id = spdxId('Package', item.ref, p.filePath);
    idOf.set(p.name, id);
    const lic = license(p.licenses);
    const sp: SpdxPackage = {
      SPDXID: id,
      name: p.name,
      versionInfo: p.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: lic,
      licenseDeclared: lic,
      primaryPackagePurpose: 'LIBRARY',
      sourceInfo: `${p.origin === 'lockfile' ? 'lockfile entry' : 'installed'} from ${item.paths.join(', ')}${p.layer ? ` in layer ${p.layer.diffId}` : ''}`,
    };
    if (p.purl)
      sp.externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }];
    if (p.maintainer) sp.supplier = `Organization: ${p.maintainer.replace(/\s+/g, ' ').slice(0, 200)}`;
    if (p.layer?.createdBy) sp.attributionTexts = [`LayerCreatedBy: ${p.layer.createdBy}`];
    const facts = {
      src_name: p.srcName,
      src_version: p.srcVersion,
      owned_by: p.ownedBy,
      file_path: p.filePath,
      type: p.type,
      origin: p.origin,
    };
    // Plain text, as SPDX comments are read by people; line breaks (never in these facts) would end the value.
    sp.comment = Object.entries(facts)
      .filter(([, v]) => v)
      .map(([k, v]) => `customs:${k}=${v!.replace(/[\r\n]+/g, ' ')}`)
      .join('; ');
    packages.push(sp);
    relationships.push({
      spdxElementId: item.isOs && osId ? osId : imageId,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: id,
    });
  }
  // Each application, CONTAINED in the image, DEPENDS_ON the packages of its project.
  for (const { app, dependencies } of applicationsOf(report, items).apps) {
    const id = spdxId('Application', app.filePath);
    const sp: SpdxPackage = {
      SPDXID: id,
      name: app.name,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      primaryPackagePurpose: 'APPLICATION',
      sourceInfo: `${APPLICATION_SOURCE_INFO}${app.filePath}`,
    };
    if (app.version) sp.versionInfo = app.version;
    if (app.purl)
      sp.externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: app.purl }];
    packages.push(sp);
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
    for (const d of dependencies)
      relationships.push({
        spdxElementId: id,
        relationshipType: 'DEPENDS_ON',
        relatedSpdxElement: spdxId('Package', d.ref, d.pkg.filePath),
      });
  }
  for (const item of items) {
    const from = spdxId('Package', item.ref, item.pkg.filePath);
    for (const d of new Set(item.pkg.dependsOn ?? [])) {
      const to = idOf.get(d);
      if (to && to !== from)
        relationships.push({ spdxElementId: from, relationshipType: 'DEPENDS_ON', relatedSpdxElement: to });
    }
  }
  const doc: SpdxDocument = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: identity.name,
    // The image's name, never the path of the file it was read from.
    documentNamespace: `https://customs.dev/spdx/${identity.name.replace(/[^A-Za-z0-9._-]/g, '-')}-${randomUUID()}`,
    creationInfo: {
      created: (opts.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creators: [`Tool: ${opts.toolName}-${opts.toolVersion}`],
    },
    packages,
    relationships,
  };
  if (extracted.size)
    doc.hasExtractedLicensingInfos = [...extracted].map(([licenseId, text]) => ({
      licenseId,
      extractedText: text,
      name: text.slice(0, 200),
    }));
  return doc;
}
