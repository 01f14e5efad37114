/**
 * `--format spdx`: SPDX 2.3 tag-value. Multi-line or special text goes in
 * `<text>…</text>`; the JSON enum spelling OPERATING_SYSTEM is written with
 * a hyphen here, as the tag-value grammar wants.
 */
import type { Report } from '../../model/report.js';
import type { FormatOptions } from './options.js';
import { buildSpdxDocument } from './spdx-document.js';

function text(v: string): string {
  return /[\n<>]|^\s|\s$/.test(v) || v === '' ? `<text>${v.replace(/<\/text>/g, '')}</text>` : v;
}

export function renderSpdxTag(report: Report, opts: FormatOptions): string {
  const d = buildSpdxDocument(report, opts);
  const out: string[] = [
    `SPDXVersion: ${d.spdxVersion}`,
    `DataLicense: ${d.dataLicense}`,
    `SPDXID: ${d.SPDXID}`,
    `DocumentName: ${text(d.name)}`,
    `DocumentNamespace: ${d.documentNamespace}`,
    ...d.creationInfo.creators.map((c) => `Creator: ${c}`),
    `Created: ${d.creationInfo.created}`,
    '',
  ];
  for (const p of d.packages) {
    out.push(`##### Package: ${p.name.replace(/\n/g, ' ')}`, '', `PackageName: ${text(p.name)}`, `SPDXID: ${p.SPDXID}`);
    if (p.versionInfo) out.push(`PackageVersion: ${text(p.versionInfo)}`);
    if (p.supplier) out.push(`PackageSupplier: ${text(p.supplier)}`);
    out.push(`PackageDownloadLocation: ${p.downloadLocation}`, `FilesAnalyzed: ${p.filesAnalyzed}`);
    if (p.primaryPackagePurpose) out.push(`PrimaryPackagePurpose: ${p.primaryPackagePurpose.replace('_', '-')}`);
    if (p.sourceInfo) out.push(`PackageSourceInfo: ${text(p.sourceInfo)}`);
    out.push(
      `PackageLicenseConcluded: ${p.licenseConcluded}`,
      `PackageLicenseDeclared: ${p.licenseDeclared}`,
      'PackageCopyrightText: NOASSERTION',
    );
    for (const r of p.externalRefs ?? [])
      out.push(`ExternalRef: ${r.referenceCategory} ${r.referenceType} ${r.referenceLocator}`);
    for (const a of p.attributionTexts ?? []) out.push(`PackageAttributionText: ${text(a)}`);
    if (p.comment) out.push(`PackageComment: <text>${p.comment}</text>`);
    out.push('');
  }
  for (const e of d.hasExtractedLicensingInfos ?? []) {
    out.push(
      `LicenseID: ${e.licenseId}`,
      `ExtractedText: <text>${e.extractedText.replace(/<\/text>/g, '')}</text>`,
      `LicenseName: ${text(e.name)}`,
      '',
    );
  }
  for (const r of d.relationships)
    out.push(`Relationship: ${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`);
  return out.join('\n') + '\n';
}
