/**
 * Acceptance: every SBOM format validates against its official schema on the
 * real images (CycloneDX 1.6, SPDX 2.3), and `--format json` against the
 * report schema the project publishes (schema/report.schema.json).
 */
import assert from 'node:assert/strict';
import { validateXML } from 'xmllint-wasm';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';
import { readFileSync } from 'node:fs';
import { fixture } from '../support/paths.js';
import {
  cycloneDxValidator,
  errorsOf,
  gitlabValidator,
  reportValidator,
  sarifValidator,
  spdxValidator,
} from '../support/schema.js';

const IMAGES = ['node-app', 'polyglot', 'distroless', 'alpine-amd64', 'debian-bullseye'];
const images = ensureImages(IMAGES);
const db = ensureDb();

describe('formats validate against their schemas on real images', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  for (const name of IMAGES) {
    const input = imageForms(images.cache, name).oci;
    const scan = (format: string, extra: string[] = []) =>
      runCli([
        'image',
        '--input',
        input,
        '-f',
        format,
        '--cache-dir',
        db.cacheDir,
        '--skip-db-update',
        '--quiet',
        ...extra,
      ]);

    test(`${name}: cyclonedx with vulnerabilities`, async () => {
      const r = await scan('cyclonedx', ['--scanners', 'vuln']);
      assert.equal(r.code, 0, r.stderr);
      const bom = JSON.parse(r.stdout) as { components: unknown[]; vulnerabilities?: unknown[] };
      const v = cycloneDxValidator();
      assert.ok(v(bom), errorsOf(v));
      assert.ok(bom.components.length > 5);
    });
    test(`${name}: spdx-json`, async () => {
      const r = await scan('spdx-json');
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as { spdxVersion: string; packages: unknown[] };
      const v = spdxValidator();
      assert.ok(v(doc), errorsOf(v));
      assert.equal(doc.spdxVersion, 'SPDX-2.3');
    });
    test(`${name}: spdx tag-value carries the same packages as spdx-json`, async () => {
      const [tv, js] = await Promise.all([scan('spdx'), scan('spdx-json')]);
      assert.equal(tv.code, 0, tv.stderr);
      const doc = JSON.parse(js.stdout) as { packages: { SPDXID: string }[]; relationships: unknown[] };
      const ids = [...tv.stdout.matchAll(/^SPDXID: (SPDXRef-\S+)$/gm)]
        .map((m) => m[1])
        .filter((id) => id !== 'SPDXRef-DOCUMENT');
      assert.deepEqual(ids.sort(), doc.packages.map((p) => p.SPDXID).sort());
      assert.equal([...tv.stdout.matchAll(/^Relationship: /gm)].length, doc.relationships.length);
      assert.match(tv.stdout, /^SPDXVersion: SPDX-2\.3$/m);
    });
    test(`${name}: json report with vulnerabilities and all packages`, async () => {
      const r = await scan('json', ['--list-all-pkgs']);
      assert.equal(r.code, 0, r.stderr);
      const v = reportValidator();
      assert.ok(v(JSON.parse(r.stdout)), errorsOf(v));
    });
  }
});

describe('CI formats validate against their schemas on real images', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  for (const name of ['node-app', 'polyglot', 'debian-bullseye']) {
    const input = imageForms(images.cache, name).oci;
    const scan = (format: string) =>
      runCli([
        'image',
        '--input',
        input,
        '-f',
        format,
        '--scanners',
        'vuln,secret,misconfig',
        '--cache-dir',
        db.cacheDir,
        '--skip-db-update',
        '--quiet',
      ]);
    test(`${name}: sarif 2.1.0 with GitHub's required fields`, async () => {
      const r = await scan('sarif');
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as {
        runs: {
          tool: {
            driver: {
              rules: {
                id: string;
                shortDescription: { text: string };
                fullDescription: { text: string };
                help: { text: string };
                properties: Record<string, string>;
              }[];
            };
          };
          results: {
            message: { text: string };
            locations: { physicalLocation: { region: { startLine: number } } }[];
            partialFingerprints: Record<string, string>;
          }[];
        }[];
      };
      const v = sarifValidator();
      assert.ok(v(doc), errorsOf(v));
      const run = doc.runs[0]!;
      assert.ok(run.results.length > 0);
      for (const rule of run.tool.driver.rules) {
        assert.ok(
          rule.shortDescription.text &&
            rule.fullDescription.text &&
            rule.help.text &&
            rule.fullDescription.text.length <= 1024,
          rule.id,
        );
        assert.match(rule.properties['security-severity']!, /^\d+\.\d$/);
      }
      for (const res of run.results) {
        assert.ok(res.message.text && res.locations[0]!.physicalLocation.region.startLine >= 1);
        assert.match(res.partialFingerprints['primaryLocationLineHash']!, /^[0-9a-f]{32}$/);
      }
      assert.equal(
        new Set(run.results.map((x) => x.partialFingerprints['primaryLocationLineHash'])).size,
        run.results.length,
        'fingerprints are unique',
      );
    });
    test(`${name}: gitlab container scanning 15.x`, async () => {
      const r = await scan('gitlab');
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as { vulnerabilities: unknown[] };
      const v = gitlabValidator();
      assert.ok(v(doc), errorsOf(v));
      assert.ok(doc.vulnerabilities.length > 0);
    });
    test(`${name}: junit validates against junit-10.xsd`, async () => {
      const r = await scan('junit');
      assert.equal(r.code, 0, r.stderr);
      // libxml2's own XSD validator (xmllint), compiled to WebAssembly: no system package needed.
      const check = await validateXML({
        xml: [{ fileName: `${name}.junit.xml`, contents: r.stdout }],
        schema: [{ fileName: 'junit-10.xsd', contents: readFileSync(fixture('schemas', 'junit-10.xsd'), 'utf8') }],
      });
      assert.ok(check.valid, check.rawOutput);
      assert.match(r.stdout, /<failure /);
    });
  }
});
