/**
 * JSON Schema validators for format tests: CycloneDX and SPDX come from the
 * shipped src/report/validate.ts (official schemas in schema/vendor); SARIF
 * (draft-04), GitLab and the report schema are compiled here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { makeAjv } from '../../src/report/validate.js';
import { fixture, repoRoot } from './paths.js';

export { cycloneDxValidator, spdxValidator } from '../../src/report/validate.js';

const require = createRequire(import.meta.url);
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

function load(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

let sarif: ValidateFunction | undefined;
let gitlab: ValidateFunction | undefined;
let report: ValidateFunction | undefined;

/** SARIF's official schema is draft-04: validated with ajv-draft-04. */
export function sarifValidator(): ValidateFunction {
  if (!sarif) {
    const Ajv4 = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
    const ajv = new Ajv4({ strict: false, allErrors: true });
    addFormats(ajv);
    sarif = ajv.compile(load(fixture('schemas', 'sarif-schema-2.1.0.json')));
  }
  return sarif;
}

export function gitlabValidator(): ValidateFunction {
  gitlab ??= makeAjv().compile(load(fixture('schemas', 'gitlab-container-scanning-15.2.4.json')));
  return gitlab;
}

export function reportValidator(): ValidateFunction {
  report ??= makeAjv().compile(load(join(repoRoot, 'schema', 'report.schema.json')));
  return report;
}

let openvex: ValidateFunction | undefined;

/** OpenVEX's schema is JSON Schema 2020-12. */
export function openVexValidator(): ValidateFunction {
  if (!openvex) {
    const Ajv2020 = require('ajv/dist/2020') as new (o: object) => InstanceType<typeof import('ajv').default>;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // eslint-disable-next-line no-control-regex -- non-ASCII to percent-encoding (RFC 3987); the range starts at NUL
    const toUri = (iri: string): string => iri.replace(/[^\x00-\x7f]/gu, (c) => encodeURIComponent(c));
    const formats = (
      require('ajv-formats/dist/formats') as { fullFormats: Record<string, RegExp | ((s: string) => boolean)> }
    ).fullFormats;
    const uri = formats['uri'];
    ajv.addFormat('iri', (s: string) =>
      uri instanceof RegExp ? uri.test(toUri(s)) : typeof uri === 'function' ? uri(toUri(s)) : false,
    );
    openvex = ajv.compile(load(fixture('schemas', 'openvex_json_schema.json')));
  }
  return openvex;
}

export function errorsOf(v: ValidateFunction): string {
  return JSON.stringify(v.errors?.slice(0, 5), null, 1);
}
