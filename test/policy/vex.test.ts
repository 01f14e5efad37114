/**
 * VEX in: OpenVEX 0.2 and CycloneDX VEX (fixtures in test/fixtures/policy,
 * written per their specifications and checked here against the official
 * schemas). `not_affected` and `fixed` suppress the finding for the products
 * the statement names only; `under_investigation` and `affected` keep it with
 * the status noted.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applyDecisions } from '../../src/policy/suppress.js';
import { loadVex, purlMatches, type VexStatement } from '../../src/policy/vex.js';
import type { Report } from '../../src/model/report.js';
import { report, vuln } from '../support/model.js';
import { fixture } from '../support/paths.js';
import { cycloneDxValidator, errorsOf, openVexValidator } from '../support/schema.js';

const OPENVEX = fixture('policy', 'openvex.json');
const CDX = fixture('policy', 'cyclonedx-vex.json');
const dir = mkdtempSync(join(tmpdir(), 'customs-vex-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sample(): Report {
  return report([
    {
      target: 'app/package-lock.json',
      class: 'lang-pkgs',
      type: 'npm',
      vulnerabilities: [
        vuln({
          id: 'CVE-2024-1111',
          pkgName: 'lodash',
          installedVersion: '4.17.20',
          purl: 'pkg:npm/lodash@4.17.20',
          severity: 'HIGH',
        }),
        vuln({
          id: 'CVE-2024-1111',
          pkgName: 'lodash',
          installedVersion: '4.17.15',
          purl: 'pkg:npm/lodash@4.17.15',
          pkgPath: 'legacy/node_modules/lodash/package.json',
          severity: 'HIGH',
        }),
        vuln({
          id: 'CVE-2024-2222',
          pkgName: 'minimist',
          installedVersion: '1.2.5',
          purl: 'pkg:npm/minimist@1.2.5',
          severity: 'LOW',
        }),
        vuln({
          id: 'CVE-2024-3333',
          pkgName: 'qs',
          installedVersion: '6.5.2',
          purl: 'pkg:npm/qs@6.5.2',
          severity: 'MEDIUM',
        }),
        vuln({
          id: 'CVE-2024-4444',
          pkgName: 'express',
          installedVersion: '4.0.0',
          purl: 'pkg:npm/express@4.0.0',
          severity: 'CRITICAL',
        }),
        vuln({
          id: 'CVE-2024-5555',
          pkgName: 'left-pad',
          installedVersion: '1.0.1',
          purl: 'pkg:npm/left-pad@1.0.1',
          severity: 'LOW',
        }),
        vuln({
          id: 'CVE-2024-9999',
          pkgName: 'debug',
          installedVersion: '2.6.8',
          purl: 'pkg:npm/debug@2.6.8',
          severity: 'MEDIUM',
        }),
      ],
    },
  ]);
}

const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

test('the fixtures validate against the official OpenVEX and CycloneDX schemas', () => {
  const ov = openVexValidator();
  assert.ok(ov(json(OPENVEX)), errorsOf(ov));
  const cdx = cycloneDxValidator();
  assert.ok(cdx(json(CDX)), errorsOf(cdx));
});

test('OpenVEX statements: name, aliases, subcomponent purls, status and justification', () => {
  const st = loadVex(OPENVEX);
  assert.deepEqual(st, [
    {
      vulnerability: 'CVE-2024-1111',
      aliases: [],
      products: ['pkg:npm/lodash@4.17.20'],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      source: `${OPENVEX}: /statements/0`,
    },
    {
      vulnerability: 'GHSA-2222-3333-4444',
      aliases: ['CVE-2024-2222'],
      products: ['pkg:npm/minimist'],
      status: 'fixed',
      justification: undefined,
      source: `${OPENVEX}: /statements/1`,
    },
    {
      vulnerability: 'CVE-2024-3333',
      aliases: [],
      products: ['pkg:npm/qs@6.5.2'],
      status: 'under_investigation',
      justification: undefined,
      source: `${OPENVEX}: /statements/2`,
    },
    {
      vulnerability: 'CVE-2024-4444',
      aliases: [],
      products: ['pkg:npm/express@4.0.0'],
      status: 'affected',
      justification: undefined,
      source: `${OPENVEX}: /statements/3`,
    },
  ]);
});

test('CycloneDX VEX: analysis states map to OpenVEX statuses, bom-refs resolve to purls', () => {
  const st = loadVex(CDX);
  assert.deepEqual(
    st.map((s) => [s.vulnerability, s.products, s.status, s.justification]),
    [
      ['CVE-2024-1111', ['pkg:npm/lodash@4.17.20'], 'not_affected', 'code_not_reachable'],
      ['CVE-2024-2222', ['pkg:npm/minimist@1.2.5'], 'fixed', undefined],
      ['CVE-2024-3333', ['pkg:npm/qs@6.5.2'], 'under_investigation', undefined],
      ['CVE-2024-4444', ['pkg:npm/express@4.0.0'], 'affected', undefined],
      ['CVE-2024-5555', ['pkg:npm/left-pad@1.0.0'], 'not_affected', undefined],
    ],
  );
});

function decide(vex: VexStatement[]): {
  kept: string[];
  suppressed: string[];
  notes: Record<string, string | undefined>;
} {
  const { report: r } = applyDecisions(sample(), { ignore: [], vex, now: new Date('2026-06-01') });
  const res = r.results[0]!;
  return {
    kept: res.vulnerabilities!.map((v) => `${v.id} ${v.pkgName}@${v.installedVersion}`),
    suppressed: (res.suppressed ?? []).map((s) => `${s.id} ${s.pkgName}@${s.installedVersion} ${s.by}:${s.status}`),
    notes: Object.fromEntries(res.vulnerabilities!.map((v) => [`${v.id} ${v.installedVersion}`, v.vexStatus])),
  };
}

test('OpenVEX applied: not_affected and fixed suppress the named products only, the others are kept with their status', () => {
  const d = decide(loadVex(OPENVEX));
  assert.deepEqual(d.suppressed, [
    'CVE-2024-1111 lodash@4.17.20 vex:not_affected',
    'CVE-2024-2222 minimist@1.2.5 vex:fixed',
  ]);
  // lodash 4.17.15 is another product: the statement about 4.17.20 does not speak for it.
  assert.deepEqual(d.kept, [
    'CVE-2024-1111 lodash@4.17.15',
    'CVE-2024-3333 qs@6.5.2',
    'CVE-2024-4444 express@4.0.0',
    'CVE-2024-5555 left-pad@1.0.1',
    'CVE-2024-9999 debug@2.6.8',
  ]);
  assert.deepEqual(d.notes, {
    'CVE-2024-1111 4.17.15': undefined,
    'CVE-2024-3333 6.5.2': 'under_investigation',
    'CVE-2024-4444 4.0.0': 'affected',
    'CVE-2024-5555 1.0.1': undefined,
    'CVE-2024-9999 2.6.8': undefined,
  });
  const { report: r } = applyDecisions(sample(), { ignore: [], vex: loadVex(OPENVEX), now: new Date() });
  assert.equal(r.results[0]!.suppressed![0]!.statement, 'vulnerable_code_not_in_execute_path');
  assert.equal(r.results[0]!.suppressed![0]!.source, `${OPENVEX}: /statements/0`);
});

test('CycloneDX VEX applied: the same decisions; false_positive for another version suppresses nothing', () => {
  const d = decide(loadVex(CDX));
  assert.deepEqual(d.suppressed, [
    'CVE-2024-1111 lodash@4.17.20 vex:not_affected',
    'CVE-2024-2222 minimist@1.2.5 vex:fixed',
  ]);
  assert.deepEqual(d.kept, [
    'CVE-2024-1111 lodash@4.17.15',
    'CVE-2024-3333 qs@6.5.2',
    'CVE-2024-4444 express@4.0.0',
    'CVE-2024-5555 left-pad@1.0.1',
    'CVE-2024-9999 debug@2.6.8',
  ]);
  assert.equal(d.notes['CVE-2024-3333 6.5.2'], 'under_investigation');
});

test('a directory of VEX files is read whole; other documents are refused', () => {
  const vexDir = join(dir, 'vex');
  mkdirSync(vexDir);
  writeFileSync(join(vexDir, 'a.json'), readFileSync(OPENVEX));
  writeFileSync(join(vexDir, 'b.json'), readFileSync(CDX));
  writeFileSync(join(vexDir, 'notes.txt'), 'not json');
  assert.equal(loadVex(vexDir).length, 9);
  writeFileSync(join(dir, 'other.json'), '{"spdxVersion":"SPDX-2.3"}');
  assert.throws(
    () => loadVex(join(dir, 'other.json')),
    /neither an OpenVEX document \(@context openvex\) nor a CycloneDX BOM/,
  );
  writeFileSync(
    join(dir, 'bad-status.json'),
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [{ vulnerability: { name: 'CVE-1' }, status: 'maybe' }],
    }),
  );
  assert.throws(() => loadVex(join(dir, 'bad-status.json')), /\/statements\/0\/status: "maybe" is not one of/);
});

test('purlMatches: type, namespace and name must agree; qualifiers are ignored; no version covers every version', () => {
  assert.equal(
    purlMatches('pkg:deb/debian/openssl@3.0.14-1', 'pkg:deb/debian/openssl@3.0.14-1?arch=amd64&distro=debian-12'),
    true,
  );
  assert.equal(purlMatches('pkg:deb/Debian/openssl', 'pkg:deb/debian/openssl@3.0.14-1'), true);
  assert.equal(purlMatches('pkg:deb/debian/openssl@3.0.13-1', 'pkg:deb/debian/openssl@3.0.14-1'), false);
  assert.equal(purlMatches('pkg:deb/ubuntu/openssl', 'pkg:deb/debian/openssl@3.0.14-1'), false);
  assert.equal(purlMatches('pkg:npm/openssl', 'pkg:deb/debian/openssl@3.0.14-1'), false);
  assert.equal(purlMatches('pkg:npm/%40babel/core@7.0.0', 'pkg:npm/%40babel/core@7.0.0'), true);
});
