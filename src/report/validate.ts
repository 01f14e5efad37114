/**
 * JSON Schema validation of customs' SBOM output against the official
 * schemas shipped in schema/vendor (CycloneDX 1.6, SPDX 2.3), for the
 * `sbom_validation: required` gate. The IRI formats CycloneDX uses are
 * checked by mapping the IRI to a URI (RFC 3987 §3.1), which keeps purls
 * valid as the CycloneDX spec intends.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { packageFile } from '../util/package-root.js';

const require = createRequire(import.meta.url);

type Format = RegExp | ((s: string) => boolean) | undefined;

/** ajv is loaded here, on first use: only the sbom_validation gate and the tests validate. */
export function makeAjv(): import('ajv').default {
  const Ajv = require('ajv') as typeof import('ajv').default;
  const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const formats = (require('ajv-formats/dist/formats') as { fullFormats: Record<string, Format> }).fullFormats;
  // Non-ASCII characters are percent-encoded (RFC 3987 IRI to URI); the range starts at NUL by definition.
  // eslint-disable-next-line no-control-regex
  const toUri = (iri: string): string => iri.replace(/[^\x00-\x7f]/gu, (c) => encodeURIComponent(c));
  const test = (f: Format, s: string): boolean =>
    f instanceof RegExp ? f.test(s) : typeof f === 'function' ? f(s) : false;
  ajv.addFormat('iri-reference', (s: string) => test(formats['uri-reference'], toUri(s)));
  ajv.addFormat('iri', (s: string) => test(formats['uri'], toUri(s)));
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  return ajv;
}

function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(packageFile(`schema/vendor/${name}`), 'utf8')) as Record<string, unknown>;
}

let cdx: ValidateFunction | undefined;
let spdx: ValidateFunction | undefined;

export function cycloneDxValidator(): ValidateFunction {
  if (!cdx) {
    const ajv = makeAjv();
    ajv.addSchema(load('spdx.schema.json'), 'spdx.schema.json');
    ajv.addSchema(load('jsf-0.82.schema.json'), 'jsf-0.82.schema.json');
    cdx = ajv.compile(load('bom-1.6.schema.json'));
  }
  return cdx;
}

export function spdxValidator(): ValidateFunction {
  spdx ??= makeAjv().compile(load('spdx-2.3-schema.json'));
  return spdx;
}
