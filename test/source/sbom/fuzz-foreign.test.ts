/**
 * The readers of other tools' SBOMs on documents of any shape: the real
 * Trivy and Syft documents with values replaced by arbitrary JSON at random
 * places (tools, relationships, metadata, properties, distro, sourceInfo),
 * and SPDX tag-value with arbitrary relationship lines. Each gives an
 * inventory or a UserError, never a crash.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parseSbom } from '../../../src/source/sbom/read.js';
import { UserError } from '../../../src/util/errors.js';
import { fixture } from '../../support/paths.js';

const RUNS = Number(process.env['CUSTOMS_FUZZ_RUNS'] ?? 150);
const load = (...parts: string[]): unknown => {
  const buf = readFileSync(fixture('sbom', ...parts));
  return JSON.parse((parts.at(-1)!.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8'));
};
const DOCS = [
  load('trivy', 'distroless.spdx.json'),
  load('trivy', 'distroless.cdx.json'),
  load('syft', 'TestImageEncoder.syft.json'),
  load('syft', 'alpine.syft.json.gz'),
  load('syft', 'TestCycloneDxImageEncoder.cdx.json'),
  load('syft', 'alpine-3.10.syft.spdx.json'),
];

/** Every place in a JSON value, as paths of keys and indexes. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function replaced(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const copy = (Array.isArray(doc) ? [...(doc as unknown[])] : { ...(doc as object) }) as Record<
    string | number,
    unknown
  >;
  copy[path[0]!] = replaced(copy[path[0]!], path.slice(1), value);
  return copy;
}

function readsOrRefuses(text: string): void {
  try {
    parseSbom(text, 'fuzz');
  } catch (e) {
    assert.ok(e instanceof UserError, (e as Error).stack);
  }
}

test('fuzz: Trivy and Syft documents with any value anywhere give an inventory or a clear error', () => {
  const docPaths = DOCS.map((d) => paths(d));
  fc.assert(
    fc.property(
      fc.nat({ max: DOCS.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 4 }),
      (which, edits) => {
        let doc = DOCS[which];
        for (const [n, value] of edits) {
          const all = docPaths[which]!;
          doc = replaced(doc, all[n % all.length]!, value);
        }
        readsOrRefuses(JSON.stringify(doc));
      },
    ),
    { numRuns: RUNS },
  );
});

test('fuzz: SPDX tag-value relationships, creators and source info of any text', () => {
  const line = fc.oneof(
    fc.string({ maxLength: 60 }).map((s) => `Relationship: ${s}`),
    fc.string({ maxLength: 60 }).map((s) => `RelationshipComment: ${s}`),
    fc.string({ maxLength: 60 }).map((s) => `Creator: ${s}`),
    fc.string({ maxLength: 60 }).map((s) => `PackageSourceInfo: ${s}`),
    fc.constantFrom(
      'Creator: Tool: syft-1.0',
      'Creator: Tool: trivy-0.44.1',
      'PackageName: libc6',
      'SPDXID: SPDXRef-a',
      'PrimaryPackagePurpose: APPLICATION',
      'PackageSourceInfo: built package from: glibc 2.36-9',
      'ExternalRef: PACKAGE-MANAGER purl pkg:deb/debian/libc6@2.36-9?distro=debian-12',
      'Relationship: SPDXRef-a CONTAINS SPDXRef-a',
      '<text>',
      '</text>',
    ),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), (lines) =>
      readsOrRefuses(['SPDXVersion: SPDX-2.3', ...lines].join('\n')),
    ),
    { numRuns: RUNS },
  );
});
