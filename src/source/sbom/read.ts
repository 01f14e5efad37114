/**
 * SBOM documents as input: CycloneDX JSON and SPDX 2.x (JSON and tag-value).
 * Packages come from purls; the OS from the OS component/package or a purl's
 * `distro`; customs' (and Trivy's) properties restore the source package and
 * OS ownership, so an SBOM customs wrote scans like the image it came from.
 */
import { readFileSync, statSync } from 'node:fs';
import type { OSInfo } from '../../model/os.js';
import type { Package } from '../../model/package.js';
import { parsePurl } from '../../model/purl.js';
import { LimitError, UserError } from '../../util/errors.js';
import { cycloneDxXmlToJson } from './cyclonedx-xml.js';
import { osOfDistro, packageFromPurl, type SbomExtras } from './purl-package.js';
import { scalarText } from '../../util/scalar-text.js';

export interface SbomInventory {
  format: string;
  name: string;
  os?: OSInfo;
  packages: Package[];
  warnings: string[];
}

/** Bounds on one SBOM document; each has a flag (`--max-sbom-size`, `--max-sbom-components`). */
export interface SbomLimits {
  maxBytes: number;
  maxComponents: number;
}
export const defaultSbomLimits: SbomLimits = { maxBytes: 256 * 1024 * 1024, maxComponents: 500_000 };

function tooManyComponents(file: string, limits: SbomLimits): LimitError {
  return new LimitError(
    `${file}: components`,
    'max SBOM components',
    limits.maxComponents,
    'raise --max-sbom-components if the SBOM is genuine',
  );
}
type Json = Record<string, unknown>;
/** How customs' SPDX output marks the application of a project manifest. */
export const APPLICATION_SOURCE_INFO = 'project manifest ';

function extrasFromProperties(props: unknown): SbomExtras {
  const e: SbomExtras = {};
  for (const p of objects(props)) {
    const n = scalarText(p['name'], ''),
      v = typeof p['value'] === 'string' ? p['value'] : undefined;
    if (!v) continue;
    if (n === 'customs:package:src_name' || n === 'aquasecurity:trivy:SrcName') e.srcName = v;
    else if (n === 'customs:package:src_version' || n === 'aquasecurity:trivy:SrcVersion') e.srcVersion = v;
    else if (n === 'customs:package:owned_by') e.ownedBy = v;
    else if (n === 'customs:package:file_path' || n === 'aquasecurity:trivy:FilePath') e.filePath = v;
    else if (n === 'customs:package:type' || n === 'aquasecurity:trivy:PkgType') e.type = v;
    else if (n === 'customs:package:origin') e.origin = v;
    else if (n === 'customs:package:arch') e.arch = v;
  }
  return e;
}

/** The JSON objects of what should be an array of them; anything else a stranger wrote there is dropped. */
function objects(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function cdxLicenses(c: Json): string[] {
  return objects(c['licenses'])
    .map((l) => {
      const lic = objects([l['license']])[0];
      return str(l['expression']) ?? str(lic?.['id']) ?? str(lic?.['name']);
    })
    .filter((x): x is string => x !== undefined);
}

function readCycloneDx(doc: Json, file: string, inv: SbomInventory, limits: SbomLimits): void {
  const stack: { c: Json; depth: number }[] = objects(doc['components']).map((c) => ({ c, depth: 0 }));
  let seen = 0;
  while (stack.length) {
    const { c, depth } = stack.pop()!;
    if (++seen > limits.maxComponents) throw tooManyComponents(file, limits);
    if (depth < 32) for (const sub of objects(c['components'])) stack.push({ c: sub, depth: depth + 1 });
    else if (c['components']) inv.warnings.push(`${file}: components nested deeper than 32 levels are ignored`);
    if (c['type'] === 'operating-system' && typeof c['name'] === 'string') {
      inv.os ??= {
        family: c['name'].toLowerCase(),
        name: scalarText(c['version'], ''),
        versionId: scalarText(c['version'], ''),
      };
      continue;
    }
    if (
      typeof c['purl'] !== 'string' ||
      c['type'] === 'container' ||
      (c['type'] === 'application' &&
        objects(c['properties']).some((p) => p['name'] === 'customs:application:file_path'))
    )
      continue;
    const pkg = packageFromPurl(
      c['purl'],
      {
        ...extrasFromProperties(c['properties']),
        licenses: cdxLicenses(c),
        name: typeof c['name'] === 'string' ? c['name'] : undefined,
      },
      file,
    );
    if (pkg) inv.packages.push(pkg);
    else
      inv.warnings.push(
        `${file}: component ${JSON.stringify(scalarText(c['bom-ref'] ?? c['name'], '?')).slice(0, 100)}: purl ${String(c['purl']).slice(0, 100)} is not one customs can match; skipped`,
      );
  }
  const meta = objects([objects([doc['metadata']])[0]?.['component']])[0];
  if (typeof meta?.['name'] === 'string') inv.name = meta['name'];
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

interface SpdxPkg {
  name?: string;
  versionInfo?: string;
  primaryPackagePurpose?: string;
  externalRefs?: { referenceType?: string; referenceLocator?: string }[];
  comment?: string;
  licenseDeclared?: string;
}

function addSpdxPackages(pkgs: SpdxPkg[], file: string, inv: SbomInventory, limits: SbomLimits): void {
  if (pkgs.length > limits.maxComponents) throw tooManyComponents(file, limits);
  for (const raw of objects(pkgs)) {
    const name = str(raw['name']),
      versionInfo = str(raw['versionInfo']),
      purpose = str(raw['primaryPackagePurpose']),
      declared = str(raw['licenseDeclared']);
    if (purpose === 'OPERATING_SYSTEM' || purpose === 'OPERATING-SYSTEM') {
      if (name) inv.os ??= { family: name.toLowerCase(), name: versionInfo ?? '', versionId: versionInfo ?? '' };
      continue;
    }
    // The image, and the applications customs writes for its projects, are what the packages belong to, not packages to match.
    if (
      purpose === 'CONTAINER' ||
      (purpose === 'APPLICATION' && str(raw['sourceInfo'])?.startsWith(APPLICATION_SOURCE_INFO))
    )
      continue;
    const purl = str(objects(raw['externalRefs']).find((r) => r['referenceType'] === 'purl')?.['referenceLocator']);
    if (!purl) continue;
    const lic = declared && !['NOASSERTION', 'NONE'].includes(declared) ? [declared] : undefined;
    const pkg = packageFromPurl(purl, { ...spdxComment(raw['comment']), licenses: lic, name }, file);
    if (pkg) inv.packages.push(pkg);
    else
      inv.warnings.push(
        `${file}: package ${JSON.stringify(name ?? '?')}: purl ${purl.slice(0, 100)} is not one customs can match; skipped`,
      );
  }
}

/** SPDX tag-value: packages start at `PackageName:`; multi-line values sit in <text>…</text>. */
function readSpdxTagValue(text: string, file: string, inv: SbomInventory, limits: SbomLimits): void {
  const pkgs: SpdxPkg[] = [];
  let cur: SpdxPkg | undefined;
  const clean = text.replace(/<text>[\s\S]*?<\/text>/g, (m) => m.replace(/\n/g, ' '));
  for (const line of clean.split(/\r?\n/)) {
    const m = /^([A-Za-z]+):\s?(.*)$/.exec(line);
    if (!m) continue;
    const [, tag, value] = m as unknown as [string, string, string];
    const v = value.replace(/^<text>|<\/text>$/g, '');
    if (tag === 'PackageName') {
      cur = { name: v };
      pkgs.push(cur);
    } else if (!cur) continue;
    else if (tag === 'PackageVersion') cur.versionInfo = v;
    else if (tag === 'PrimaryPackagePurpose') cur.primaryPackagePurpose = v;
    else if (tag === 'PackageComment') cur.comment = v;
    else if (tag === 'PackageLicenseDeclared') cur.licenseDeclared = v;
    else if (tag === 'ExternalRef') {
      const [, type, locator] = v.split(/\s+/);
      (cur.externalRefs ??= []).push({ referenceType: type, referenceLocator: locator });
    }
  }
  addSpdxPackages(pkgs, file, inv, limits);
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

export function readSbom(file: string, limits: SbomLimits = defaultSbomLimits): SbomInventory {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as Error).message})`);
  }
  if (size > limits.maxBytes)
    throw new LimitError(
      `${file}: ${size} bytes`,
      'max SBOM size',
      limits.maxBytes,
      'raise --max-sbom-size if the SBOM is genuine',
    );
  const text = readFileSync(file, 'utf8');
  const inv: SbomInventory = { format: '', name: file, packages: [], warnings: [] };
  if (/^\s*</.test(text)) {
    inv.format = 'cyclonedx-xml';
    readCycloneDx(cycloneDxXmlToJson(text, file), file, inv, limits);
  } else if (/^\s*[{[]/.test(text)) {
    // Counted before parsing: the parse itself is what a huge document would exhaust memory with.
    if (occurrences(text, '"purl"') > limits.maxComponents || occurrences(text, '"SPDXID"') > limits.maxComponents)
      throw tooManyComponents(file, limits);
    let doc: Json;
    try {
      doc = JSON.parse(text) as Json;
    } catch (e) {
      throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (doc['bomFormat'] === 'CycloneDX') {
      inv.format = 'cyclonedx';
      readCycloneDx(doc, file, inv, limits);
    } else if (typeof doc['spdxVersion'] === 'string') {
      inv.format = 'spdx-json';
      if (!Array.isArray(doc['packages'])) throw new UserError(`${file}: /packages must be a list`);
      addSpdxPackages(doc['packages'] as SpdxPkg[], file, inv, limits);
      if (typeof doc['name'] === 'string') inv.name = doc['name'];
    } else
      throw new UserError(
        `${file}: neither CycloneDX (bomFormat) nor SPDX (spdxVersion)`,
        'give a CycloneDX or SPDX document',
      );
  } else if (/^SPDXVersion:/m.test(text)) {
    inv.format = 'spdx';
    readSpdxTagValue(text, file, inv, limits);
  } else throw new UserError(`${file}: not an SBOM customs reads (CycloneDX JSON or XML, SPDX JSON or tag-value)`);
  // No OS component: take it from an OS package's purl `distro` qualifier.
  if (!inv.os) {
    const osPkg = inv.packages.find((p) => ['deb', 'apk', 'rpm'].includes(p.ecosystem));
    const q = osPkg ? parsePurl(osPkg.purl) : undefined;
    inv.os = osOfDistro(q?.qualifiers?.['distro'], q?.namespace);
  }
  return inv;
}
