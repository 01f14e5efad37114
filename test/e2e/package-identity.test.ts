/**
 * Acceptance (package identity) on node-app, whose lodash@4.17.15 is both
 * installed (app/node_modules/lodash/package.json) and in the lockfile
 * beside it: one package, one component, one finding per vulnerability,
 * every place it was seen kept; gate counts are distinct findings; the
 * OpenVEX document validates (its schema wants unique statements);
 * CycloneDX has no repeated purl or bom-ref.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';
import { cycloneDxValidator, errorsOf, openVexValidator } from '../support/schema.js';

const images = ensureImages(['node-app']);
const db = ensureDb();
const work = mkdtempSync(join(tmpdir(), 'customs-identity-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Pkg {
  ID: string;
  Name: string;
  Version: string;
  FilePath: string;
  FoundIn?: string[];
  Identifier: { PURL: string };
}
interface Vuln {
  VulnerabilityID: string;
  PkgID: string;
  PkgPath?: string;
  Severity: string;
}
interface Report {
  Results: { Target: string; Packages?: Pkg[]; Vulnerabilities?: Vuln[] }[];
  Gates?: { Gate: string; Count: number }[];
}

describe('one package, one component, one finding', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  const input = imageForms(images.cache, 'node-app').dockerArchive;
  const scan = (extra: string[]) =>
    runCli(['image', '--input', input, '--cache-dir', db.cacheDir, '--skip-db-update', '--quiet', ...extra]);

  test('json: lodash@4.17.15 is one package seen at its package.json and the lockfile, each finding once; gates count distinct findings', async () => {
    const cfg = join(work, 'customs.yaml');
    writeFileSync(
      cfg,
      'security_gates:\n  container_scan: { critical_vulnerabilities: 1000, high_vulnerabilities: 1000, medium_vulnerabilities: 1000 }\n',
    );
    const r = await scan(['-f', 'json', '--list-all-pkgs', '--config', cfg]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const pkgs = report.Results.flatMap((x) => x.Packages ?? []);
    const lodash = pkgs.filter((p) => p.Name === 'lodash' && p.Version === '4.17.15');
    assert.equal(lodash.length, 1);
    assert.deepEqual(lodash[0]!.FoundIn, ['app/node_modules/lodash/package.json', 'app/package-lock.json']);
    const vulns = report.Results.flatMap((x) => x.Vulnerabilities ?? []);
    const keys = vulns.map((v) => `${v.VulnerabilityID} ${v.PkgID} ${v.PkgPath ?? ''}`);
    assert.equal(new Set(keys).size, keys.length, 'no finding repeated');
    assert.equal(vulns.filter((v) => v.VulnerabilityID === 'NSWG-ECO-516' && v.PkgID === 'lodash@4.17.15').length, 1);
    for (const sev of ['CRITICAL', 'HIGH', 'MEDIUM']) {
      const gate = report.Gates!.find((g) => g.Gate === `${sev.toLowerCase()}_vulnerabilities`)!;
      assert.equal(gate.Count, vulns.filter((v) => v.Severity === sev).length, sev);
    }
  });

  test('an ignore rule naming any place the package was seen (here the lockfile) still applies', async () => {
    const rules = join(work, 'ignore.yaml');
    writeFileSync(rules, 'vulnerabilities:\n  - id: NSWG-ECO-516\n    paths: [app/package-lock.json]\n');
    const r = await scan(['-f', 'json', '--ignorefile', rules]);
    assert.equal(r.code, 0, r.stderr);
    const ids = (JSON.parse(r.stdout) as Report).Results.flatMap((x) => x.Vulnerabilities ?? []).map(
      (v) => v.VulnerabilityID,
    );
    assert.ok(!ids.includes('NSWG-ECO-516'));
  });

  test('openvex validates against the OpenVEX schema, with no statement repeated', async () => {
    const r = await scan(['-f', 'openvex']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { statements: unknown[] };
    const v = openVexValidator();
    assert.ok(v(doc), errorsOf(v));
    assert.ok(doc.statements.length > 0);
    assert.equal(new Set(doc.statements.map((s) => JSON.stringify(s))).size, doc.statements.length);
  });

  test('cyclonedx: no purl or bom-ref twice; lodash carries both places as evidence', async () => {
    const r = await scan(['-f', 'cyclonedx', '--scanners', 'vuln']);
    assert.equal(r.code, 0, r.stderr);
    const bom = JSON.parse(r.stdout) as {
      components: { 'bom-ref': string; purl?: string; evidence?: { occurrences: { location: string }[] } }[];
      vulnerabilities?: { 'bom-ref': string }[];
    };
    const v = cycloneDxValidator();
    assert.ok(v(bom), errorsOf(v));
    const purls = bom.components.map((c) => c.purl).filter(Boolean);
    assert.equal(new Set(purls).size, purls.length, 'purls are unique');
    const refs = [...bom.components.map((c) => c['bom-ref']), ...(bom.vulnerabilities ?? []).map((x) => x['bom-ref'])];
    assert.equal(new Set(refs).size, refs.length, 'bom-refs are unique');
    const lodash = bom.components.find((c) => c.purl === 'pkg:npm/lodash@4.17.15')!;
    assert.deepEqual(
      lodash.evidence?.occurrences.map((o) => o.location),
      ['app/node_modules/lodash/package.json', 'app/package-lock.json'],
    );
  });
});

describe("the SBOM's own identity: the image as root, the project's application under it", { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  const forms = imageForms(images.cache, 'node-app');
  const sbom = async (input: string, format: string): Promise<string> => {
    const r = await runCli(['image', '--input', input, '-f', format, '--scanners', 'none', '--no-cache', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(images.cache), 'no local path of the archive in the SBOM');
    return r.stdout;
  };

  test('cyclonedx: metadata.component is the image by its RepoTags name with a pkg:oci purl; fixture-node-app@1.0.0 is an application with its packages under it', async () => {
    const bom = JSON.parse(await sbom(forms.dockerArchive, 'cyclonedx')) as {
      metadata: { component: { 'bom-ref': string; type: string; name: string; purl?: string } };
      components: { 'bom-ref': string; type: string; name: string; version?: string; purl?: string }[];
      dependencies: { ref: string; dependsOn: string[] }[];
    };
    const image = bom.metadata.component;
    assert.equal(image.type, 'container');
    assert.equal(image.name, 'localhost/fixtures/node-app:1.0');
    assert.match(
      image.purl!,
      /^pkg:oci\/node-app@sha256:[0-9a-f]{64}\?arch=amd64&repository_url=localhost%2Ffixtures%2Fnode-app$/,
    );
    assert.equal(image['bom-ref'], image.purl);
    const apps = bom.components.filter((c) => c.type === 'application');
    assert.deepEqual(
      apps.map((a) => `${a.name}@${a.version} ${a.purl}`),
      ['fixture-node-app@1.0.0 pkg:npm/fixture-node-app@1.0.0'],
    );
    const graph = new Map(bom.dependencies.map((d) => [d.ref, d.dependsOn]));
    assert.ok(graph.get(image['bom-ref'])!.includes(apps[0]!['bom-ref']), 'the image depends on the application');
    const appDeps = graph.get(apps[0]!['bom-ref'])!;
    assert.ok(
      appDeps.includes('pkg:npm/lodash@4.17.15') && appDeps.includes('pkg:npm/express@4.16.0'),
      appDeps.join(' '),
    );
    assert.ok(
      !graph.get(image['bom-ref'])!.includes('pkg:npm/lodash@4.17.15'),
      "the app's packages hang under the app, not the image",
    );
    const v = cycloneDxValidator();
    assert.ok(v(bom), errorsOf(v));
  });

  test('spdx: the image package is named from the OCI layout, with the manifest digest in its purl; the application is a package; comments are plain text', async () => {
    const doc = JSON.parse(await sbom(forms.oci, 'spdx-json')) as {
      name: string;
      documentNamespace: string;
      packages: {
        SPDXID: string;
        name: string;
        versionInfo?: string;
        primaryPackagePurpose?: string;
        comment?: string;
        externalRefs?: { referenceLocator: string }[];
      }[];
      relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
    };
    const index = JSON.parse(readFileSync(join(forms.oci, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    const image = doc.packages[0]!;
    assert.equal(image.primaryPackagePurpose, 'CONTAINER');
    assert.equal(image.name, 'node-app:1.0');
    assert.equal(
      image.externalRefs?.[0]?.referenceLocator,
      `pkg:oci/node-app@${index.manifests[0]!.digest}?arch=amd64`,
    );
    assert.match(doc.documentNamespace, /^https:\/\/customs\.dev\/spdx\/node-app-1\.0-[0-9a-f-]{36}$/);
    const app = doc.packages.find((p) => p.primaryPackagePurpose === 'APPLICATION')!;
    assert.equal(`${app.name}@${app.versionInfo}`, 'fixture-node-app@1.0.0');
    assert.ok(doc.relationships.some((r) => r.spdxElementId === app.SPDXID && r.relationshipType === 'DEPENDS_ON'));
    const comments = doc.packages.map((p) => p.comment).filter(Boolean);
    assert.ok(
      comments.some((c) => c!.includes('customs:file_path=app/node_modules/')),
      'paths are written as they are',
    );
    assert.ok(
      comments.every((c) => !/%[0-9A-F]{2}/.test(c!)),
      'no percent-encoding',
    );
  });
});
