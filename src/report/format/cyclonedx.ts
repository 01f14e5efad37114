/**
 * CycloneDX 1.6 JSON: the image as the metadata component, the OS and every
 * package as components with customs properties (origin, path, layer), the
 * dependency graph, and vulnerabilities when the report has them.
 */
import { randomUUID } from 'node:crypto';
import type { Package } from '../../model/package.js';
import { readFileSync } from 'node:fs';
import { isSpdxExpression } from '../../license/spdx.js';
import type { Report, Vulnerability } from '../../model/report.js';
import { imageIdentity } from '../image-identity.js';
import { applicationsOf, inventoryOf, itemByPackage, type ApplicationItem, type InventoryItem } from './inventory.js';
import type { FormatOptions } from './options.js';
import { packageFile } from '../../util/package-root.js';

type Json = Record<string, unknown>;

/** CycloneDX accepts as `license.id` only the ids of its own SPDX list (schema/vendor/spdx.schema.json). */
let cdxIds: Set<string> | undefined;
function isCdxLicenseId(id: string): boolean {
  cdxIds ??= new Set(
    (JSON.parse(readFileSync(packageFile('schema/vendor/spdx.schema.json'), 'utf8')) as { enum: string[] }).enum,
  );
  return cdxIds.has(id);
}

function licenses(p: Package): Json[] | undefined {
  const l = (p.licenses ?? []).filter((x) => x.trim());
  if (!l.length) return undefined;
  if (l.length === 1 && !isCdxLicenseId(l[0]!) && isSpdxExpression(l[0]!) && /\s(?:AND|OR|WITH)\s/.test(l[0]!))
    return [{ expression: l[0] }];
  return l.map((x) => (isCdxLicenseId(x) ? { license: { id: x } } : { license: { name: x } }));
}

function prop(name: string, value: string | undefined): Json[] {
  return value ? [{ name: `customs:${name}`, value }] : [];
}

function component(item: InventoryItem): Json {
  const p = item.pkg;
  const c: Json = { 'bom-ref': item.ref, type: 'library', name: p.name, version: p.version };
  if (p.purl) c['purl'] = p.purl;
  const lic = licenses(p);
  if (lic) c['licenses'] = lic;
  if (p.maintainer) c['supplier'] = { name: p.maintainer };
  // Every place the package was seen (installed metadata, lockfiles, nested copies), as CycloneDX evidence.
  c['evidence'] = { occurrences: item.paths.map((location) => ({ location })) };
  c['properties'] = [
    ...prop('package:type', p.type),
    ...prop('package:origin', p.origin),
    ...prop('package:file_path', p.filePath),
    ...prop('package:src_name', p.srcName),
    ...prop('package:src_version', p.srcVersion),
    ...prop('package:arch', p.arch),
    ...prop('package:owned_by', p.ownedBy),
    ...prop('package:dev', p.dev ? 'true' : undefined),
    ...prop('layer:digest', p.layer?.digest),
    ...prop('layer:diff_id', p.layer?.diffId),
    ...prop('layer:created_by', p.layer?.createdBy),
  ];
  return c;
}

/** The application a project manifest describes, its packages under it in the graph. */
function applicationComponent({ app, ref }: ApplicationItem): Json {
  const c: Json = { 'bom-ref': ref, type: 'application', name: app.name };
  if (app.version) c['version'] = app.version;
  if (app.purl) c['purl'] = app.purl;
  c['properties'] = [...prop('application:file_path', app.filePath), ...prop('application:ecosystem', app.ecosystem)];
  return c;
}

const SEVERITY = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low', UNKNOWN: 'unknown' } as const;

function vulnerability(v: Vulnerability, affects: string[]): Json {
  const ratings: Json[] = v.cvss.map((c) => ({
    source: { name: c.source },
    score: c.score,
    severity: SEVERITY[v.severity],
    method:
      c.version === '2.0' ? 'CVSSv2' : c.version === '4.0' ? 'CVSSv4' : c.version === '3.1' ? 'CVSSv31' : 'CVSSv3',
    vector: c.vector,
  }));
  if (!ratings.length)
    ratings.push({ source: { name: v.severitySource || 'customs' }, severity: SEVERITY[v.severity] });
  const out: Json = {
    'bom-ref': `${v.id}#${affects[0]}`,
    id: v.id,
    source: v.primaryUrl
      ? { name: v.matchedBy[0]?.ecosystem ?? 'osv', url: v.primaryUrl }
      : { name: v.matchedBy[0]?.ecosystem ?? 'osv' },
    ratings,
    affects: affects.map((ref) => ({ ref, versions: [{ version: v.installedVersion, status: 'affected' }] })),
  };
  if (v.description ?? v.title) out['description'] = v.description ?? v.title;
  if (v.fixedVersion) out['recommendation'] = `Upgrade ${v.pkgName} to ${v.fixedVersion}`;
  // The VEX decision a statement recorded, as CycloneDX's analysis.
  if (v.vexStatus) out['analysis'] = { state: v.vexStatus === 'under_investigation' ? 'in_triage' : 'exploitable' };
  if (v.references.length) out['advisories'] = v.references.slice(0, 50).map((url) => ({ url }));
  if (v.publishedDate) out['published'] = v.publishedDate;
  if (v.lastModifiedDate) out['updated'] = v.lastModifiedDate;
  const others = v.aliases.filter((a) => a !== v.id);
  if (others.length) out['references'] = others.map((id) => ({ id, source: { name: 'osv' } }));
  const props = [
    ...(v.kev
      ? [
          { name: 'customs:kev:dateAdded', value: v.kev.dateAdded },
          { name: 'customs:kev:dueDate', value: v.kev.dueDate },
          { name: 'customs:kev:knownRansomwareCampaignUse', value: v.kev.knownRansomwareCampaignUse },
          { name: 'customs:kev:requiredAction', value: v.kev.requiredAction },
        ]
      : []),
    ...(v.epss
      ? [
          { name: 'customs:epss:score', value: String(v.epss.score) },
          { name: 'customs:epss:percentile', value: String(v.epss.percentile) },
        ]
      : []),
  ].filter((p) => p.value);
  if (props.length) out['properties'] = props;
  return out;
}

export function renderCycloneDx(report: Report, opts: FormatOptions): string {
  const items = inventoryOf(report);
  const identity = imageIdentity(report);
  const md = report.metadata;
  const imageRef = identity.purl ?? `image:${md.imageId || identity.name}`;
  const os = md.os;
  const osRef = os ? `os:${os.family}@${os.name}` : undefined;
  const imageComponent: Json = {
    'bom-ref': imageRef,
    type: report.artifactType === 'container_image' ? 'container' : 'application',
    name: identity.name,
    ...(identity.purl ? { purl: identity.purl } : {}),
    properties: [
      ...(md.imageId ? [{ name: 'customs:image:id', value: md.imageId }] : []),
      ...(identity.purlDigest === 'config'
        ? [{ name: 'customs:image:purl_digest', value: 'config (the archive holds no manifest digest)' }]
        : []),
      ...md.repoTags.map((t) => ({ name: 'customs:image:repo_tag', value: t })),
      ...md.repoDigests.map((d) => ({ name: 'customs:image:repo_digest', value: d })),
      ...md.diffIds.map((d) => ({ name: 'customs:image:diff_id', value: d })),
    ],
  };
  if (md.imageId) imageComponent['version'] = md.imageId;
  const { apps, rest } = applicationsOf(report, items);
  const components: Json[] = [];
  if (osRef) components.push({ 'bom-ref': osRef, type: 'operating-system', name: os!.family, version: os!.name });
  for (const a of apps) components.push(applicationComponent(a));
  for (const item of items) components.push(component(item)); // a spread of 10^5 items would overflow the call stack

  const refsByPackageId = new Map<string, string>();
  for (const i of items) refsByPackageId.set(`${i.pkg.name}`, i.ref);
  const dependencies: Json[] = [
    { ref: imageRef, dependsOn: [...(osRef ? [osRef] : []), ...apps.map((a) => a.ref), ...rest.map((i) => i.ref)] },
  ];
  if (osRef) dependencies.push({ ref: osRef, dependsOn: items.filter((i) => i.isOs).map((i) => i.ref) });
  for (const a of apps) dependencies.push({ ref: a.ref, dependsOn: a.dependencies.map((i) => i.ref) });
  for (const i of items) {
    const deps = [
      ...new Set(
        (i.pkg.dependsOn ?? []).map((d) => refsByPackageId.get(d)).filter((r): r is string => !!r && r !== i.ref),
      ),
    ];
    dependencies.push({ ref: i.ref, dependsOn: deps });
  }

  // One entry per (vulnerability, component): the same finding on one purl in two projects is one statement.
  const vulns = new Map<string, Json>();
  const itemOf = itemByPackage(items);
  for (const r of report.results) {
    for (const v of r.vulnerabilities ?? []) {
      const ref = itemOf(v)?.ref;
      if (ref && !vulns.has(`${v.id}#${ref}`)) vulns.set(`${v.id}#${ref}`, vulnerability(v, [ref]));
    }
  }
  const bom: Json = {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: (opts.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      tools: { components: [{ type: 'application', name: opts.toolName, version: opts.toolVersion }] },
      component: imageComponent,
    },
    components,
    dependencies,
  };
  if (vulns.size) bom['vulnerabilities'] = [...vulns.values()];
  return JSON.stringify(bom, null, 2) + '\n';
}
