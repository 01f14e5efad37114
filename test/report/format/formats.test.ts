/**
 * Every output format rendered from one small but rich report model built by
 * hand (OS and language packages with vulnerabilities and CVSS, a secret found
 * by the real rules and masked by them, misconfigurations, licences,
 * suppressed findings, gates): each document validates against its official
 * schema and carries the ids, purls and severities of the model.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call --
   rendered documents are schema-validated first, then read as untyped JSON */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ValidateFunction } from 'ajv';
import { validateXML } from 'xmllint-wasm';
import { compileRules, scanText } from '../../../src/analyzer/secret/scan-text.js';
import { builtinRules } from '../../../src/analyzer/secret/rules.js';
import type { LayerRef } from '../../../src/model/package.js';
import type { Report, SecretFinding } from '../../../src/model/report.js';
import { renderReport, type RenderOptions } from '../../../src/report/format/index.js';
import { pkg, report, vuln } from '../../support/model.js';
import { fixture } from '../../support/paths.js';
import {
  cycloneDxValidator,
  errorsOf,
  gitlabValidator,
  openVexValidator,
  reportValidator,
  sarifValidator,
  spdxValidator,
} from '../../support/schema.js';

// A made-up token in GitHub's PAT shape: it must never appear in any output.
const CLEAR_TOKEN = 'ghp_R8kX2mQ9vL4nT7wZ1pY6sH3jB5cF0dG8aE2u';
const MASKED_LINE = `GITHUB_TOKEN=${'*'.repeat(CLEAR_TOKEN.length)}`;
const IMAGE_ID = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const BASE: LayerRef = {
  digest: 'sha256:aaaa000000000000000000000000000000000000000000000000000000000001',
  diffId: 'sha256:bbbb000000000000000000000000000000000000000000000000000000000001',
  createdBy: 'ADD rootfs.tar.xz /',
};
const APP: LayerRef = {
  digest: 'sha256:aaaa000000000000000000000000000000000000000000000000000000000002',
  diffId: 'sha256:bbbb000000000000000000000000000000000000000000000000000000000002',
  createdBy: 'COPY app /app',
};

function secretFinding(): SecretFinding {
  const hits = scanText(`# deploy settings\nGITHUB_TOKEN=${CLEAR_TOKEN}\n`, compileRules(builtinRules));
  assert.equal(hits.length, 1);
  return { ...hits[0]!, layer: APP };
}

function richReport(): Report {
  const deb = (name: string, version: string, extra: object = {}) =>
    pkg({
      name,
      version,
      purl: `pkg:deb/debian/${name}@${version}?arch=amd64&distro=debian-12.7`,
      ecosystem: 'deb',
      type: 'debian',
      filePath: 'var/lib/dpkg/status',
      arch: 'amd64',
      layer: BASE,
      ...extra,
    });
  return report(
    [
      {
        target: 'example/app:1.0 (debian 12.7)',
        class: 'os-pkgs',
        type: 'debian',
        packages: [
          deb('openssl', '3.0.14-1~deb12u1', {
            srcName: 'openssl',
            srcVersion: '3.0.14-1~deb12u1',
            licenses: ['Apache-2.0'],
            maintainer: 'Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>',
          }),
          deb('libc6', '2.36-9+deb12u7', { srcName: 'glibc', licenses: ['GPL-2+', 'LGPL-2.1'] }),
          deb('zlib1g', '1:1.2.13.dfsg-1', {
            srcName: 'zlib',
            licenses: ['Zlib'],
            purl: 'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.7&epoch=1',
          }),
        ],
        vulnerabilities: [
          vuln({
            id: 'CVE-2024-5535',
            aliases: ['CVE-2024-5535', 'DSA-5764-1'],
            pkgName: 'openssl',
            installedVersion: '3.0.14-1~deb12u1',
            fixedVersion: '3.0.15-1~deb12u1',
            purl: 'pkg:deb/debian/openssl@3.0.14-1~deb12u1?arch=amd64&distro=debian-12.7',
            severity: 'CRITICAL',
            severitySource: 'nvd',
            cvss: [
              { source: 'nvd', version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 },
              { source: 'nvd', version: '2.0', vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', score: 7.5 },
            ],
            title: 'openssl: SSL_select_next_proto buffer overread',
            primaryUrl: 'https://avd.aquasec.com/nvd/cve-2024-5535',
            references: ['https://www.openssl.org/news/secadv/20240627.txt'],
            publishedDate: '2024-06-27T11:15:24Z',
            layer: BASE,
            matchedBy: [{ advisoryId: 'DEBIAN-CVE-2024-5535', ecosystem: 'Debian:12', range: '<3.0.15-1~deb12u1' }],
          }),
          vuln({
            id: 'CVE-2023-45853',
            pkgName: 'zlib1g',
            installedVersion: '1:1.2.13.dfsg-1',
            purl: 'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.7&epoch=1',
            severity: 'LOW',
            status: 'will_not_fix',
            vexStatus: 'under_investigation',
            layer: BASE,
            matchedBy: [{ advisoryId: 'DEBIAN-CVE-2023-45853', ecosystem: 'Debian:12', range: '>=0' }],
          }),
        ],
      },
      {
        target: 'app/package-lock.json',
        class: 'lang-pkgs',
        type: 'npm',
        packages: [
          pkg({
            name: 'lodash',
            version: '4.17.20',
            purl: 'pkg:npm/lodash@4.17.20',
            ecosystem: 'npm',
            licenses: ['MIT'],
            dependsOn: ['minimist'],
            layer: APP,
          }),
          pkg({
            name: 'minimist',
            version: '1.2.5',
            purl: 'pkg:npm/minimist@1.2.5',
            ecosystem: 'npm',
            licenses: ['MIT'],
            layer: APP,
          }),
          pkg({
            name: '@babel/core',
            version: '7.24.0',
            purl: 'pkg:npm/%40babel/core@7.24.0',
            ecosystem: 'npm',
            licenses: ['AGPL-3.0-only'],
            origin: 'lockfile',
            dev: true,
          }),
          pkg({
            name: 'lodash',
            version: '4.17.19',
            purl: 'pkg:npm/lodash@4.17.19',
            ecosystem: 'npm',
            filePath: 'app/vendor/lodash/package.json',
            licenses: ['Custom licence text'],
            layer: APP,
          }),
        ],
        vulnerabilities: [
          vuln({
            id: 'CVE-2021-23337',
            aliases: ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm'],
            pkgName: 'lodash',
            installedVersion: '4.17.20',
            fixedVersion: '4.17.21',
            purl: 'pkg:npm/lodash@4.17.20',
            pkgPath: 'app/package-lock.json',
            severity: 'HIGH',
            severitySource: 'ghsa',
            cvss: [
              { source: 'ghsa', version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', score: 7.2 },
            ],
            title: 'Command Injection in lodash',
            description:
              'lodash versions prior to 4.17.21 are vulnerable to Command Injection via the template function.',
            primaryUrl: 'https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm',
            layer: APP,
            matchedBy: [{ advisoryId: 'GHSA-35jh-r3h4-6jhm', ecosystem: 'npm', range: '>=0, <4.17.21' }],
          }),
        ],
        suppressed: [
          {
            kind: 'vulnerability',
            id: 'CVE-2021-44906',
            pkgName: 'minimist',
            installedVersion: '1.2.5',
            severity: 'CRITICAL',
            by: 'vex',
            status: 'not_affected',
            source: 'vex.json: /statements/0',
            statement: 'vulnerable_code_not_in_execute_path',
          },
          {
            kind: 'vulnerability',
            id: 'CVE-2020-28500',
            pkgName: 'lodash',
            installedVersion: '4.17.20',
            severity: 'MEDIUM',
            by: 'ignore',
            status: 'ignored',
            source: '.trivyignore:3',
          },
        ],
      },
      { target: '/app/.env', class: 'secret', type: 'secret', secrets: [secretFinding()] },
      {
        target: 'Dockerfile',
        class: 'config',
        type: 'dockerfile',
        misconfigurations: [
          {
            id: 'DS002',
            avdId: 'AVD-DS-0002',
            title: 'Image user should not be root',
            description: 'Running as root widens the impact of a compromise.',
            message: 'Specify at least 1 USER command in Dockerfile with non-root user as argument',
            resolution: 'Add USER with a non-root user',
            severity: 'HIGH',
            status: 'FAIL',
            references: ['https://avd.aquasec.com/misconfig/ds002'],
            cause: { startLine: 1, endLine: 4, snippet: 'FROM debian:12' },
          },
          {
            id: 'DS001',
            avdId: 'AVD-DS-0001',
            title: ':latest tag used',
            description: 'd',
            message: 'm',
            resolution: 'r',
            severity: 'MEDIUM',
            status: 'PASS',
            references: [],
          },
        ],
      },
      {
        target: 'app/package-lock.json',
        class: 'license',
        type: 'npm',
        licenses: [
          {
            pkgName: '@babel/core',
            filePath: 'app/package-lock.json',
            name: 'AGPL-3.0-only',
            category: 'forbidden',
            severity: 'CRITICAL',
            confidence: 1,
          },
        ],
      },
    ],
    {
      metadata: {
        os: { family: 'debian', name: '12.7', versionId: '12', codename: 'bookworm' },
        imageId: IMAGE_ID,
        diffIds: [BASE.diffId, APP.diffId],
        repoTags: ['example/app:1.0'],
        repoDigests: ['example/app@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210'],
      },
      gates: [
        { gate: 'critical_vulnerabilities', limit: 0, count: 1, pass: false },
        { gate: 'high_vulnerabilities', limit: 3, count: 1, pass: true },
      ],
    },
  );
}

const OPTS: RenderOptions = {
  toolName: 'customs',
  toolVersion: '0.1.0',
  listAllPkgs: true,
  listPackages: true,
  showSuppressed: true,
  now: new Date('2026-02-03T04:05:06Z'),
};

function render(format: string, over: Partial<RenderOptions> = {}): string {
  const out = renderReport(richReport(), format, { ...OPTS, ...over });
  const text = typeof out === 'string' ? out : [...out].join('');
  assert.ok(!text.includes(CLEAR_TOKEN), `${format} shows the secret in clear`);
  return text;
}

type Json = Record<string, unknown>;

/** Asserts a document against a validator (a helper, so the document keeps its loose test type). */
function valid(v: ValidateFunction, doc: unknown): void {
  assert.ok(v(doc), errorsOf(v));
}
/** A rendered document, walked freely: its shape is what the schema validation above each walk checks. */
type Doc = any;

test('table: the columns, counts, masked secret, suppressed findings, packages and gates', () => {
  const t = render('table');
  assert.match(t, /│ Library +│ Vulnerability +│ Severity +│ Status +│ Installed Version +│ Fixed Version +│ Title +│/);
  assert.match(t, /^example\/app:1\.0 \(debian 12\.7\) \(debian\)$/m);
  assert.match(t, /^Total: 2 \(CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 1, UNKNOWN: 0\)$/m);
  assert.match(
    t,
    /│ openssl +│ CVE-2024-5535 +│ CRITICAL +│ fixed +│ 3\.0\.14-1~deb12u1 +│ 3\.0\.15-1~deb12u1 +│ openssl: SSL_select_next_proto buffer overread +│/,
  );
  // CRITICAL sorts before LOW.
  assert.ok(t.indexOf('CVE-2024-5535') < t.indexOf('CVE-2023-45853'));
  assert.ok(t.includes(`│ github-pat │ CRITICAL │ 2    │ ${MASKED_LINE} │`), 'secret row with the masked line');
  assert.match(t, /│ DS002 +│ HIGH +│ Image user should not be root +│ 1-4 +│/);
  assert.ok(!/│ DS001 /.test(t), 'a passed check is not listed');
  assert.match(t, /│ @babel\/core +│ AGPL-3\.0-only +│ forbidden +│ CRITICAL +│/);
  assert.match(t, /^app\/package-lock\.json: 2 suppressed$/m);
  // The rule column is 50 wide: the statement wraps onto a second line of the same row.
  assert.match(
    t,
    /│ CVE-2021-44906 +│ minimist +│ CRITICAL +│ vex +│ not_affected +│ vex\.json: \/statements\/0: +│\n│ +│ +│ +│ +│ +│ vulnerable_code_not_in_execute_path +│/,
  );
  assert.match(t, /│ CVE-2020-28500 +│ lodash +│ MEDIUM +│ ignore +│ ignored +│ \.trivyignore:3 +│/);
  assert.match(t, /│ @babel\/core +│ 7\.24\.0 +│ lockfile \(dev\) +│ app\/package-lock\.json +│ +│/);
  assert.match(t, /│ openssl +│ 3\.0\.14-1~deb12u1 +│ installed +│ var\/lib\/dpkg\/status +│ bbbb00000000 │/);
  assert.match(t, /│ critical_vulnerabilities │ 0 +│ 1 +│ FAIL +│/);
  assert.match(t, /│ high_vulnerabilities +│ 3 +│ 1 +│ PASS +│/);
  // Without the flags the package list and the suppressed table are left out.
  const plain = render('table', { listPackages: false, showSuppressed: false });
  assert.ok(!plain.includes('suppressed') && !plain.includes('packages\n'));
});

test('json: valid against schema/report.schema.json, Trivy layout with customs fields', () => {
  const doc = JSON.parse(render('json'));
  const v = reportValidator();
  valid(v, doc);
  assert.equal(doc.SchemaVersion, 2);
  assert.deepEqual(doc.Metadata.OS, { Family: 'debian', Name: '12.7' });
  assert.deepEqual(doc.Metadata.RepoTags, ['example/app:1.0']);
  assert.deepEqual(
    doc.Results.map((r: Json) => `${String(r['Target'])}|${String(r['Class'])}`),
    [
      'example/app:1.0 (debian 12.7)|os-pkgs',
      'app/package-lock.json|lang-pkgs',
      '/app/.env|secret',
      'Dockerfile|config',
      'app/package-lock.json|license',
    ],
  );
  const [os, lang, secret, config, lic] = doc.Results;
  assert.deepEqual(
    os.Packages.map((p: Json) => p['ID']),
    ['openssl@3.0.14-1~deb12u1', 'libc6@2.36-9+deb12u7', 'zlib1g@1:1.2.13.dfsg-1'],
  );
  const ssl = os.Vulnerabilities[0];
  assert.equal(ssl.VulnerabilityID, 'CVE-2024-5535');
  assert.deepEqual(ssl.VendorIDs, ['DSA-5764-1']);
  assert.deepEqual(ssl.CVSS, {
    nvd: {
      V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      V3Score: 9.8,
      V2Vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P',
      V2Score: 7.5,
    },
  });
  assert.equal(ssl.PkgIdentifier.PURL, 'pkg:deb/debian/openssl@3.0.14-1~deb12u1?arch=amd64&distro=debian-12.7');
  assert.equal(ssl.Layer.DiffID, BASE.diffId);
  assert.equal(os.Vulnerabilities[1].VEXStatus, 'under_investigation');
  assert.equal(lang.Packages[2].Dev, true);
  assert.deepEqual(
    lang.Suppressed.map((s: Json) => [s['ID'], s['SuppressedBy'], s['Status']]),
    [
      ['CVE-2021-44906', 'vex', 'not_affected'],
      ['CVE-2020-28500', 'ignore', 'ignored'],
    ],
  );
  assert.deepEqual(
    secret.Secrets.map((s: Json) => [s['RuleID'], s['Severity'], s['StartLine'], s['Match']]),
    [['github-pat', 'CRITICAL', 2, MASKED_LINE]],
  );
  assert.deepEqual(
    config.Misconfigurations.map((m: Json) => [m['ID'], m['Status']]),
    [
      ['DS002', 'FAIL'],
      ['DS001', 'PASS'],
    ],
  );
  assert.deepEqual(config.Misconfigurations[0].CauseMetadata, {
    StartLine: 1,
    EndLine: 4,
    Code: { Lines: 'FROM debian:12' },
  });
  assert.deepEqual(lic.Licenses, [
    {
      Severity: 'CRITICAL',
      Category: 'forbidden',
      PkgName: '@babel/core',
      FilePath: 'app/package-lock.json',
      Name: 'AGPL-3.0-only',
      Confidence: 1,
    },
  ]);
  assert.deepEqual(doc.Gates, [
    { Gate: 'critical_vulnerabilities', Limit: 0, Count: 1, Pass: false },
    { Gate: 'high_vulnerabilities', Limit: 3, Count: 1, Pass: true },
  ]);
  // Packages and suppressed findings only when asked for.
  const lean = JSON.parse(render('json', { listAllPkgs: false, showSuppressed: false }));
  assert.ok(lean.Results.every((r: Json) => r['Packages'] === undefined && r['Suppressed'] === undefined));
  valid(v, lean);
});

test('cyclonedx: valid CycloneDX 1.6 with the OS, every package, the graph and the vulnerabilities', () => {
  const bom = JSON.parse(render('cyclonedx'));
  const v = cycloneDxValidator();
  valid(v, bom);
  assert.equal(bom.metadata.timestamp, '2026-02-03T04:05:06Z');
  assert.equal(bom.metadata.component.type, 'container');
  assert.deepEqual(
    bom.components.map((c: Json) => c['purl'] ?? `${String(c['type'])}:${String(c['name'])}@${String(c['version'])}`),
    [
      'operating-system:debian@12.7',
      'pkg:deb/debian/openssl@3.0.14-1~deb12u1?arch=amd64&distro=debian-12.7',
      'pkg:deb/debian/libc6@2.36-9+deb12u7?arch=amd64&distro=debian-12.7',
      'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.7&epoch=1',
      'pkg:npm/lodash@4.17.20',
      'pkg:npm/minimist@1.2.5',
      'pkg:npm/%40babel/core@7.24.0',
      'pkg:npm/lodash@4.17.19',
    ],
  );
  const refs = bom.components.map((c: Json) => c['bom-ref']);
  assert.equal(new Set(refs).size, refs.length, 'two versions of lodash get distinct refs');
  const lodash = bom.components.find((c: Json) => c['bom-ref'] === 'pkg:npm/lodash@4.17.20');
  assert.deepEqual(lodash.licenses, [{ license: { id: 'MIT' } }]);
  assert.deepEqual(bom.components.at(-1).licenses, [{ license: { name: 'Custom licence text' } }]);
  assert.deepEqual(bom.dependencies.find((d: Json) => d['ref'] === 'pkg:npm/lodash@4.17.20').dependsOn, [
    'pkg:npm/minimist@1.2.5',
  ]);
  assert.deepEqual(
    bom.vulnerabilities.map((x: Json) => x['id']),
    ['CVE-2024-5535', 'CVE-2023-45853', 'CVE-2021-23337'],
  );
  const ssl = bom.vulnerabilities[0];
  assert.deepEqual(
    ssl.ratings.map((r: Json) => [r['method'], r['score'], r['severity']]),
    [
      ['CVSSv31', 9.8, 'critical'],
      ['CVSSv2', 7.5, 'critical'],
    ],
  );
  assert.deepEqual(ssl.affects, [
    {
      ref: 'pkg:deb/debian/openssl@3.0.14-1~deb12u1?arch=amd64&distro=debian-12.7',
      versions: [{ version: '3.0.14-1~deb12u1', status: 'affected' }],
    },
  ]);
  assert.deepEqual(bom.vulnerabilities[1].analysis, { state: 'in_triage' });
  assert.deepEqual(bom.vulnerabilities[1].ratings, [{ source: { name: 'osv' }, severity: 'low' }]);
});

test('spdx-json and spdx tag-value: valid SPDX 2.3, the same packages and relationships, licences normalised', () => {
  const doc = JSON.parse(render('spdx-json'));
  const v = spdxValidator();
  valid(v, doc);
  assert.equal(doc.creationInfo.created, '2026-02-03T04:05:06Z');
  assert.deepEqual(
    doc.packages.map((p: Doc) => [p.name, p.primaryPackagePurpose, p.externalRefs?.[0]?.referenceLocator]),
    [
      [
        'example/app:1.0',
        'CONTAINER',
        'pkg:oci/app@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210?repository_url=index.docker.io%2Fexample%2Fapp',
      ],
      ['debian', 'OPERATING_SYSTEM', undefined],
      ['openssl', 'LIBRARY', 'pkg:deb/debian/openssl@3.0.14-1~deb12u1?arch=amd64&distro=debian-12.7'],
      ['libc6', 'LIBRARY', 'pkg:deb/debian/libc6@2.36-9+deb12u7?arch=amd64&distro=debian-12.7'],
      ['zlib1g', 'LIBRARY', 'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.7&epoch=1'],
      ['lodash', 'LIBRARY', 'pkg:npm/lodash@4.17.20'],
      ['minimist', 'LIBRARY', 'pkg:npm/minimist@1.2.5'],
      ['@babel/core', 'LIBRARY', 'pkg:npm/%40babel/core@7.24.0'],
      ['lodash', 'LIBRARY', 'pkg:npm/lodash@4.17.19'],
    ],
  );
  const byName = (n: string): Doc => doc.packages.find((p: Doc) => p.name === n);
  // `GPL-2+` is "version 2 or later": the SPDX form must keep the "or later".
  assert.equal(byName('libc6').licenseDeclared, 'GPL-2.0-or-later AND LGPL-2.1');
  assert.equal(
    byName('openssl').supplier,
    'Organization: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>',
  );
  assert.match(byName('openssl').comment, /customs:src_name=openssl; customs:src_version=3.0.14-1~deb12u1/);
  const custom = doc.packages.at(-1);
  assert.match(custom.licenseDeclared, /^LicenseRef-[0-9a-f]{16}$/);
  assert.deepEqual(doc.hasExtractedLicensingInfos, [
    { licenseId: custom.licenseDeclared, extractedText: 'Custom licence text', name: 'Custom licence text' },
  ]);
  const rel = (t: string): number => doc.relationships.filter((r: Json) => r['relationshipType'] === t).length;
  assert.deepEqual([rel('DESCRIBES'), rel('CONTAINS'), rel('DEPENDS_ON')], [1, 8, 1]);

  const tv = render('spdx');
  assert.match(tv, /^SPDXVersion: SPDX-2\.3$/m);
  const ids = [...tv.matchAll(/^SPDXID: (SPDXRef-\S+)$/gm)].map((m) => m[1]).filter((id) => id !== 'SPDXRef-DOCUMENT');
  assert.deepEqual(
    ids,
    doc.packages.map((p: Doc) => p.SPDXID),
  );
  assert.deepEqual(
    [...tv.matchAll(/^Relationship: (.*)$/gm)].map((m) => m[1]),
    doc.relationships.map(
      (r: Json) => `${String(r['spdxElementId'])} ${String(r['relationshipType'])} ${String(r['relatedSpdxElement'])}`,
    ),
  );
  assert.match(tv, /^PrimaryPackagePurpose: OPERATING-SYSTEM$/m);
  assert.match(tv, /^ExternalRef: PACKAGE-MANAGER purl pkg:npm\/%40babel\/core@7\.24\.0$/m);
  assert.match(tv, /^PackageLicenseDeclared: GPL-2\.0-or-later AND LGPL-2\.1$/m);
  assert.match(tv, /^ExtractedText: <text>Custom licence text<\/text>$/m);
});

test('sarif: valid SARIF 2.1.0, one rule per id with CVSS-based security-severity, masked secret', () => {
  const doc = JSON.parse(render('sarif'));
  const v = sarifValidator();
  valid(v, doc);
  const run = doc.runs[0];
  assert.deepEqual(
    run.tool.driver.rules.map((r: Json) => r['id']),
    ['CVE-2024-5535', 'CVE-2023-45853', 'CVE-2021-23337', 'github-pat', 'DS002', 'license:AGPL-3.0-only'],
  );
  assert.deepEqual(
    run.tool.driver.rules.map((r: Doc) => r.properties['security-severity']),
    ['9.8', '2.0', '7.2', '9.5', '8.0', '9.5'],
  );
  assert.deepEqual(
    run.results.map((r: Json) => r['level']),
    ['error', 'note', 'error', 'error', 'error', 'error'],
  );
  assert.deepEqual(
    run.results.map((r: Doc) => r.locations[0].physicalLocation.artifactLocation.uri),
    ['example/app:1.0', 'example/app:1.0', 'app/package-lock.json', 'app/.env', 'Dockerfile', 'app/package-lock.json'],
  );
  assert.deepEqual(run.results[4].locations[0].physicalLocation.region, {
    startLine: 1,
    startColumn: 1,
    endLine: 4,
    endColumn: 1,
  });
  assert.ok(run.results[3].message.text.includes(MASKED_LINE));
  assert.equal(new Set(run.results.map((r: Doc) => r.partialFingerprints.primaryLocationLineHash)).size, 6);
});

test('gitlab: valid container-scanning 15.2.4, vulnerabilities only, CVE identifiers first', () => {
  const doc = JSON.parse(render('gitlab'));
  const v = gitlabValidator();
  valid(v, doc);
  assert.equal(doc.scan.end_time, '2026-02-03T04:05:06');
  assert.equal(doc.scan.start_time, '2026-01-02T03:04:05');
  assert.deepEqual(
    doc.vulnerabilities.map((x: Doc) => [
      x.identifiers.map((i: Json) => `${String(i['type'])}:${String(i['name'])}`),
      x.severity,
      x.location.dependency.package.name,
      x.location.operating_system,
      x.location.image,
    ]),
    [
      [['cve:CVE-2024-5535', 'dsa:DSA-5764-1'], 'Critical', 'openssl', 'debian 12.7', 'example/app:1.0'],
      [['cve:CVE-2023-45853'], 'Low', 'zlib1g', 'debian 12.7', 'example/app:1.0'],
      [['cve:CVE-2021-23337', 'ghsa:GHSA-35jh-r3h4-6jhm'], 'High', 'lodash', 'debian 12.7', 'example/app:1.0'],
    ],
  );
  assert.equal(doc.vulnerabilities[0].solution, 'Upgrade openssl to 3.0.15-1~deb12u1');
  assert.equal(doc.vulnerabilities[0].identifiers[0].url, 'https://nvd.nist.gov/vuln/detail/CVE-2024-5535');
});

test('junit: valid against junit-10.xsd, one suite per target, one failing case per finding', async () => {
  const xml = render('junit');
  const check = await validateXML({
    xml: [{ fileName: 'report.junit.xml', contents: xml }],
    schema: [{ fileName: 'junit-10.xsd', contents: readFileSync(fixture('schemas', 'junit-10.xsd'), 'utf8') }],
  });
  assert.ok(check.valid, check.rawOutput);
  assert.match(xml, /<testsuites name="customs example\/app:1\.0" tests="6" failures="6" errors="0" time="0">/);
  assert.deepEqual(
    [...xml.matchAll(/<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)"/g)].map(
      (m) => `${m[1]} ${m[2]}/${m[3]}`,
    ),
    [
      'example/app:1.0 (debian 12.7) 2/2',
      'app/package-lock.json 1/1',
      '/app/.env 1/1',
      'Dockerfile 1/1',
      // The licence result shares its target with the npm result; each finding is listed once, in its own suite.
      'app/package-lock.json 1/1',
    ],
  );
  assert.match(
    xml,
    /<testcase classname="example\/app:1\.0 \(debian 12\.7\)" name="\[CRITICAL\] openssl@3\.0\.14-1~deb12u1 CVE-2024-5535" time="0">/,
  );
  assert.ok(xml.includes(`GitHub Personal Access Token: ${MASKED_LINE}</failure>`));
});

test('openvex: valid OpenVEX 0.2, affected or under investigation for findings, VEX suppressions kept, ignore rules not exported', () => {
  const doc = JSON.parse(render('openvex'));
  const v = openVexValidator();
  valid(v, doc);
  assert.equal(doc.timestamp, '2026-02-03T04:05:06.000Z');
  assert.deepEqual(
    doc.statements.map((s: Doc) => [
      s.vulnerability.name,
      s.status,
      s.products[0].subcomponents[0]['@id'],
      s.justification ?? s.action_statement ?? null,
    ]),
    [
      [
        'CVE-2024-5535',
        'affected',
        'pkg:deb/debian/openssl@3.0.14-1~deb12u1?arch=amd64&distro=debian-12.7',
        'Upgrade openssl to 3.0.15-1~deb12u1',
      ],
      [
        'CVE-2023-45853',
        'under_investigation',
        'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.7&epoch=1',
        null,
      ],
      ['CVE-2021-23337', 'affected', 'pkg:npm/lodash@4.17.20', 'Upgrade lodash to 4.17.21'],
      ['CVE-2021-44906', 'not_affected', 'pkg:npm/minimist@1.2.5', 'vulnerable_code_not_in_execute_path'],
    ],
  );
  assert.equal(
    doc.statements[0].products[0]['@id'],
    'pkg:oci/app@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210?repository_url=index.docker.io%2Fexample%2Fapp',
  );
  assert.deepEqual(doc.statements[0].vulnerability.aliases, ['DSA-5764-1']);
});

test('template: Handlebars over the JSON layout, with the json/eq/len helpers', () => {
  const template =
    '{{#each Results}}{{Target}} [{{Class}}] {{len Vulnerabilities}}:{{#each Vulnerabilities}} {{VulnerabilityID}}={{Severity}}{{#if (eq Severity "CRITICAL")}}!{{/if}}{{/each}}{{#each Secrets}} {{json Match}}{{/each}}\n{{/each}}';
  assert.equal(
    render('template', { template }),
    [
      'example/app:1.0 (debian 12.7) [os-pkgs] 2: CVE-2024-5535=CRITICAL! CVE-2023-45853=LOW',
      'app/package-lock.json [lang-pkgs] 1: CVE-2021-23337=HIGH',
      `/app/.env [secret] 0: "${MASKED_LINE}"`,
      'Dockerfile [config] 0:',
      'app/package-lock.json [license] 0:',
      '',
    ].join('\n'),
  );
  assert.throws(() => render('template', { template: '{{#each Results}}' }), /^UserError: template: /);
  assert.throws(() => renderReport(richReport(), 'xml', OPTS), /unknown format xml/);
});
