/** The finding filter: severities, --ignore-unfixed, --pkg-types, and what countFindings counts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyFindingFilter,
  countFindings,
  parsePkgTypes,
  parseSeverities,
  type FindingFilter,
} from '../../src/policy/filter.js';
import type { Report } from '../../src/model/report.js';
import { report, vuln } from '../support/model.js';

function sample(): Report {
  return report([
    {
      target: 'example/app:1.0 (debian 12.7)',
      class: 'os-pkgs',
      type: 'debian',
      vulnerabilities: [
        vuln({
          id: 'CVE-2024-0001',
          pkgName: 'openssl',
          installedVersion: '3.0.14-1~deb12u1',
          purl: 'pkg:deb/debian/openssl@3.0.14-1~deb12u1',
          severity: 'CRITICAL',
          fixedVersion: '3.0.15-1~deb12u1',
        }),
        vuln({
          id: 'CVE-2024-0002',
          pkgName: 'zlib1g',
          installedVersion: '1:1.2.13.dfsg-1',
          purl: 'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?epoch=1',
          severity: 'LOW',
        }),
      ],
    },
    {
      target: 'app/package-lock.json',
      class: 'lang-pkgs',
      type: 'npm',
      vulnerabilities: [
        vuln({
          id: 'GHSA-aaaa-bbbb-cccc',
          pkgName: 'lodash',
          installedVersion: '4.17.20',
          purl: 'pkg:npm/lodash@4.17.20',
          severity: 'HIGH',
          fixedVersion: '4.17.21',
        }),
        vuln({
          id: 'CVE-2024-0003',
          pkgName: 'minimist',
          installedVersion: '1.2.5',
          purl: 'pkg:npm/minimist@1.2.5',
          severity: 'HIGH',
        }),
      ],
    },
    {
      target: 'app/.env',
      class: 'secret',
      type: 'secret',
      secrets: [
        {
          ruleId: 'aws-access-key-id',
          category: 'AWS',
          severity: 'CRITICAL',
          title: 'AWS Access Key ID',
          startLine: 1,
          endLine: 1,
          match: 'AWS_ACCESS_KEY_ID=********************',
        },
        {
          ruleId: 'generic-token',
          category: 'Generic',
          severity: 'LOW',
          title: 'Token',
          startLine: 4,
          endLine: 4,
          match: 'TOKEN=****',
        },
      ],
    },
    {
      target: 'Dockerfile',
      class: 'config',
      type: 'dockerfile',
      misconfigurations: [
        {
          id: 'DS002',
          title: 'Image user should not be root',
          description: 'd',
          message: 'm',
          resolution: 'r',
          severity: 'HIGH',
          status: 'FAIL',
          references: [],
        },
        {
          id: 'DS026',
          title: 'No HEALTHCHECK',
          description: 'd',
          message: 'm',
          resolution: 'r',
          severity: 'LOW',
          status: 'PASS',
          references: [],
        },
        {
          id: 'DS001',
          title: ':latest tag',
          description: 'd',
          message: 'm',
          resolution: 'r',
          severity: 'MEDIUM',
          status: 'FAIL',
          references: [],
        },
      ],
    },
    {
      target: 'app/package-lock.json',
      class: 'license',
      type: 'npm',
      licenses: [
        { pkgName: 'gpl-thing', name: 'GPL-3.0-only', category: 'restricted', severity: 'HIGH' },
        { pkgName: 'lodash', name: 'MIT', category: 'notice', severity: 'LOW' },
      ],
    },
  ]);
}

const all: FindingFilter = {
  severities: parseSeverities('CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN'),
  ignoreUnfixed: false,
  pkgTypes: parsePkgTypes('os,library'),
};

test('severity and package type lists parse, case-insensitively, and reject what they do not know', () => {
  assert.deepEqual([...parseSeverities(' high, critical ,,')], ['HIGH', 'CRITICAL']);
  assert.deepEqual([...parsePkgTypes('library')], ['library']);
  assert.throws(
    () => parseSeverities('HIGH,SEVERE'),
    /unknown severity "SEVERE" \(use any of CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN\)/,
  );
  assert.throws(() => parsePkgTypes('os,app'), /unknown package type "app"/);
});

test('countFindings counts vulnerabilities, secrets, failed misconfigurations and licences', () => {
  // 4 vulnerabilities + 2 secrets + 2 FAILed checks (the PASS is not a finding) + 2 licences.
  assert.equal(countFindings(sample()), 10);
  assert.equal(countFindings(applyFindingFilter(sample(), all)), 10);
});

test('the severity list filters every kind of finding', () => {
  const r = applyFindingFilter(sample(), { ...all, severities: parseSeverities('CRITICAL,HIGH') });
  assert.deepEqual(
    r.results.flatMap((x) => (x.vulnerabilities ?? []).map((v) => v.id)),
    ['CVE-2024-0001', 'GHSA-aaaa-bbbb-cccc', 'CVE-2024-0003'],
  );
  assert.deepEqual(
    r.results.flatMap((x) => (x.secrets ?? []).map((s) => s.ruleId)),
    ['aws-access-key-id'],
  );
  assert.deepEqual(
    r.results.flatMap((x) => (x.misconfigurations ?? []).map((m) => m.id)),
    ['DS002'],
  );
  assert.deepEqual(
    r.results.flatMap((x) => (x.licenses ?? []).map((l) => l.name)),
    ['GPL-3.0-only'],
  );
  assert.equal(countFindings(r), 6);
});

test('--ignore-unfixed drops vulnerabilities without a fixed version only', () => {
  const r = applyFindingFilter(sample(), { ...all, ignoreUnfixed: true });
  assert.deepEqual(
    r.results.flatMap((x) => (x.vulnerabilities ?? []).map((v) => v.id)),
    ['CVE-2024-0001', 'GHSA-aaaa-bbbb-cccc'],
  );
  assert.equal(r.results.find((x) => x.class === 'secret')?.secrets?.length, 2);
});

test('--pkg-types keeps the package results asked for and every other result class', () => {
  const classes = (types: string): string[] =>
    applyFindingFilter(sample(), { ...all, pkgTypes: parsePkgTypes(types) }).results.map((x) => x.class);
  assert.deepEqual(classes('os'), ['os-pkgs', 'secret', 'config', 'license']);
  assert.deepEqual(classes('library'), ['lang-pkgs', 'secret', 'config', 'license']);
  assert.deepEqual(classes('os,library'), ['os-pkgs', 'lang-pkgs', 'secret', 'config', 'license']);
});

test('the filter returns a new report and leaves its input as it was', () => {
  const input = sample();
  const before = JSON.stringify(input);
  applyFindingFilter(input, {
    severities: parseSeverities('CRITICAL'),
    ignoreUnfixed: true,
    pkgTypes: parsePkgTypes('os'),
  });
  assert.equal(JSON.stringify(input), before);
});
