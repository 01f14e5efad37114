/**
 * JSON Schema validation for format tests (ajv, draft-07). The IRI formats
 * CycloneDX uses are checked by mapping the IRI to a URI (RFC 3987 §3.1:
 * percent-encode non-ASCII) and applying ajv-formats' uri checks, which keeps
 * purls (`pkg:…`) valid as the CycloneDX spec intends.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { fixture, repoRoot } from './paths.js';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
// ajv and ajv-formats are CommonJS; load them the CommonJS way.
const Ajv = require('ajv') as typeof import('ajv').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

function toUri(iri: string): string {
  return iri.replace(/[^\x00-\x7f]/gu, (c) => encodeURIComponent(c));
}

function makeAjv(): InstanceType<typeof Ajv> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const formats = (require('ajv-formats/dist/formats') as { fullFormats: Record<string, RegExp | ((s: string) => boolean)> }).fullFormats;
  const test = (f: RegExp | ((s: string) => boolean) | undefined, s: string): boolean => (f instanceof RegExp ? f.test(s) : typeof f === 'function' ? f(s) : false);
  ajv.addFormat('iri-reference', (s: string) => test(formats['uri-reference'], toUri(s)));
  ajv.addFormat('iri', (s: string) => test(formats['uri'], toUri(s)));
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  return ajv;
}

function load(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

let sarif: ValidateFunction | undefined;
let gitlab: ValidateFunction | undefined;

/** SARIF's official schema is draft-04: validated with ajv-draft-04. */
export function sarifValidator(): ValidateFunction {
  if (!sarif) {
    const Ajv4 = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
    const ajv = new Ajv4({ strict: false, allErrors: true });
    addFormats(ajv as unknown as Parameters<typeof addFormats>[0]);
    sarif = ajv.compile(load(fixture('schemas', 'sarif-schema-2.1.0.json')));
  }
  return sarif;
}

export function gitlabValidator(): ValidateFunction {
  gitlab ??= makeAjv().compile(load(fixture('schemas', 'gitlab-container-scanning-15.2.4.json')));
  return gitlab;
}

let cdx: ValidateFunction | undefined;
let spdx: ValidateFunction | undefined;
let report: ValidateFunction | undefined;

export function cycloneDxValidator(): ValidateFunction {
  if (!cdx) {
    const ajv = makeAjv();
    ajv.addSchema(load(fixture('schemas', 'spdx.schema.json')), 'spdx.schema.json');
    ajv.addSchema(load(fixture('schemas', 'jsf-0.82.schema.json')), 'jsf-0.82.schema.json');
    cdx = ajv.compile(load(fixture('schemas', 'bom-1.6.schema.json')));
  }
  return cdx;
}

export function spdxValidator(): ValidateFunction {
  spdx ??= makeAjv().compile(load(fixture('schemas', 'spdx-2.3-schema.json')));
  return spdx;
}

export function reportValidator(): ValidateFunction {
  report ??= makeAjv().compile(load(join(repoRoot, 'schema', 'report.schema.json')));
  return report;
}

export function errorsOf(v: ValidateFunction): string {
  return JSON.stringify(v.errors?.slice(0, 5), null, 1);
}
