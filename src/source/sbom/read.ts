/**
 * SBOM documents as input: CycloneDX (JSON, XML), SPDX 2.x (JSON,
 * tag-value) and Syft's JSON, told apart by their content (a file or
 * standard input alike). Each format has its reader; here the document is
 * bounded, sniffed and parsed, and what every format shares is done once:
 * the OS from an OS package's purl `distro` when the document names none,
 * and the warning for OS packages that came without their source package.
 */
import { parsePurl } from '../../model/purl.js';
import { isOsEcosystem } from '../../ecosystem/ecosystems.js';
import { UserError } from '../../util/errors.js';
import { cycloneDxXmlToJson } from './cyclonedx-xml.js';
import { readCycloneDx } from './cyclonedx.js';
import { readSbomFile } from './input.js';
import type { SbomInventory } from './inventory.js';
import type { Json } from './json.js';
import { defaultSbomLimits, tooManyComponents, type SbomLimits } from './limits.js';
import { osOfDistro } from './purl-package.js';
import { missingSourceWarning } from './source-package.js';
import { readSpdx, spdxJsonDocument, spdxTagValueDocument } from './spdx.js';
import { isSyftJson, readSyftJson } from './syft-json.js';

export type { SbomInventory } from './inventory.js';
export { defaultSbomLimits, type SbomLimits } from './limits.js';
export { APPLICATION_SOURCE_INFO } from './spdx.js';

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function readJson(text: string, label: string, inv: SbomInventory, limits: SbomLimits): void {
  // Counted before parsing: the parse itself is what a huge document would exhaust memory with.
  if (
    occurrences(text, '"purl"') > limits.maxComponents ||
    occurrences(text, '"SPDXID"') > limits.maxComponents ||
    occurrences(text, '"foundBy"') > limits.maxComponents
  )
    throw tooManyComponents(label, limits);
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    throw new UserError(`${label}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new UserError(`${label}: not an SBOM customs reads (a JSON document that is not an object)`);
  if (doc['bomFormat'] === 'CycloneDX') {
    inv.format = 'cyclonedx';
    readCycloneDx(doc, label, inv, limits);
  } else if (typeof doc['spdxVersion'] === 'string') {
    inv.format = 'spdx-json';
    if (!Array.isArray(doc['packages'])) throw new UserError(`${label}: /packages must be a list`);
    readSpdx(spdxJsonDocument(doc), label, inv, limits);
    if (typeof doc['name'] === 'string') inv.name = doc['name'];
  } else if (isSyftJson(doc)) {
    inv.format = 'syft-json';
    readSyftJson(doc, label, inv, limits);
  } else
    throw new UserError(
      `${label}: neither CycloneDX (bomFormat), SPDX (spdxVersion) nor Syft JSON (artifacts)`,
      'give a CycloneDX, SPDX or Syft JSON document',
    );
}

/** Parses a document already read (and bounded in size); `label` names it in messages (a path, or `stdin`). */
export function parseSbom(text: string, label: string, limits: SbomLimits = defaultSbomLimits): SbomInventory {
  const inv: SbomInventory = { format: '', name: label, packages: [], warnings: [] };
  if (!text.trim()) throw new UserError(`${label}: empty`, 'give a CycloneDX, SPDX or Syft JSON document');
  if (/^\s*</.test(text)) {
    inv.format = 'cyclonedx-xml';
    readCycloneDx(cycloneDxXmlToJson(text, label), label, inv, limits);
  } else if (/^\s*[{[]/.test(text)) readJson(text, label, inv, limits);
  else if (/^SPDXVersion:/m.test(text)) {
    inv.format = 'spdx';
    readSpdx(spdxTagValueDocument(text), label, inv, limits);
  } else
    throw new UserError(
      `${label}: not an SBOM customs reads (CycloneDX JSON or XML, SPDX JSON or tag-value, Syft JSON)`,
    );
  // No OS component: take it from an OS package's purl `distro` qualifier.
  if (!inv.os) {
    const osPkg = inv.packages.find((p) => isOsEcosystem(p.ecosystem));
    const q = osPkg ? parsePurl(osPkg.purl) : undefined;
    inv.os = osOfDistro(q?.qualifiers?.['distro'], q?.namespace);
  }
  const missing = missingSourceWarning(label, inv.packages);
  if (missing) inv.warnings.push(missing);
  return inv;
}

export function readSbom(file: string, limits: SbomLimits = defaultSbomLimits): SbomInventory {
  return parseSbom(readSbomFile(file, limits.maxBytes), file, limits);
}
