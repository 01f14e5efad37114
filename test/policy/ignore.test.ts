/**
 * Ignore files as Trivy users write them (.trivyignore text lines with exp:
 * dates; .trivyignore.yaml with id/paths/purls/statement/expired_at), applied
 * through applyDecisions: matching findings move to `suppressed` with the
 * rule's origin, expired rules stop applying and are listed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isExpired, loadIgnoreFile } from '../../src/policy/ignore.js';
import { applyDecisions, wildcardMatch } from '../../src/policy/suppress.js';
import type { Report } from '../../src/model/report.js';
import { report, vuln } from '../support/model.js';

const dir = mkdtempSync(join(tmpdir(), 'customs-ignore-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const NOW = new Date('2026-06-15T12:00:00Z');

function sample(): Report {
  return report([
    {
      target: 'app/package-lock.json',
      class: 'lang-pkgs',
      type: 'npm',
      vulnerabilities: [
        vuln({
          id: 'CVE-2024-1111',
          aliases: ['CVE-2024-1111', 'GHSA-1111-2222-3333'],
          pkgName: 'lodash',
          installedVersion: '4.17.20',
          purl: 'pkg:npm/lodash@4.17.20',
          pkgPath: 'app/node_modules/lodash/package.json',
          severity: 'HIGH',
        }),
        vuln({
          id: 'CVE-2024-2222',
          pkgName: 'minimist',
          installedVersion: '1.2.5',
          purl: 'pkg:npm/minimist@1.2.5',
          pkgPath: 'app/node_modules/minimist/package.json',
          severity: 'LOW',
        }),
        vuln({
          id: 'CVE-2024-3333',
          pkgName: 'qs',
          installedVersion: '6.5.2',
          purl: 'pkg:npm/qs@6.5.2',
          pkgPath: 'vendor/qs/package.json',
          severity: 'MEDIUM',
        }),
        vuln({
          id: 'CVE-2024-3333',
          pkgName: 'qs',
          installedVersion: '6.5.2',
          purl: 'pkg:npm/qs@6.5.2',
          pkgPath: 'app/node_modules/qs/package.json',
          severity: 'MEDIUM',
        }),
      ],
    },
    {
      target: '/app/.env',
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
      ],
    },
    {
      target: 'Dockerfile',
      class: 'config',
      type: 'dockerfile',
      misconfigurations: [
        {
          id: 'DS002',
          avdId: 'AVD-DS-0002',
          title: 'root user',
          description: 'd',
          message: 'm',
          resolution: 'r',
          severity: 'HIGH',
          status: 'FAIL',
          references: [],
        },
      ],
    },
  ]);
}

test('text lines: ids, comments, exp: dates, with the FILE:LINE origin', () => {
  const file = write(
    '.trivyignore',
    '# accepted risks\nCVE-2024-1111\n\n  CVE-2024-2222 exp:2026-06-15  # until the release\nCVE-2024-3333 exp:2026-06-14\r\n',
  );
  const rules = loadIgnoreFile(file);
  assert.deepEqual(rules, [
    { kind: 'any', id: 'CVE-2024-1111', origin: `${file}:2` },
    { kind: 'any', id: 'CVE-2024-2222', origin: `${file}:4`, expiresAt: '2026-06-15' },
    { kind: 'any', id: 'CVE-2024-3333', origin: `${file}:5`, expiresAt: '2026-06-14' },
  ]);
  // A rule applies through the whole of its expiry day (UTC).
  assert.equal(isExpired(rules[1]!, NOW), false);
  assert.equal(isExpired(rules[1]!, new Date('2026-06-16T00:00:00Z')), true);
  assert.equal(isExpired(rules[2]!, NOW), true);
  assert.equal(isExpired(rules[0]!, new Date('2999-01-01')), false);
});

test('text lines: a malformed option or date is an error naming the line', () => {
  assert.throws(
    () => loadIgnoreFile(write('bad1', 'CVE-1 until:2026-01-01\n')),
    /bad1:1: unexpected "until:2026-01-01"/,
  );
  assert.throws(() => loadIgnoreFile(write('bad2', '\nCVE-1 exp:2026-13-45\n')), /bad2:2: "2026-13-45" is not a date/);
  assert.throws(() => loadIgnoreFile(write('bad3', 'CVE-1 exp:tomorrow\n')), /bad3:1: "tomorrow" is not a date/);
});

test('text rules suppress by id or alias, in every finding kind; the expired rule is listed and not applied', () => {
  const file = write(
    'kinds.trivyignore',
    'GHSA-1111-2222-3333\naws-access-key-id\nAVD-DS-0002\nCVE-2024-3333 exp:2026-01-01\n',
  );
  const { report: r, expired } = applyDecisions(sample(), { ignore: loadIgnoreFile(file), vex: [], now: NOW });
  assert.deepEqual(
    expired.map((x) => x.origin),
    [`${file}:4`],
  );
  const [lang, secret, config] = r.results;
  assert.deepEqual(
    lang!.vulnerabilities!.map((v) => v.id),
    ['CVE-2024-2222', 'CVE-2024-3333', 'CVE-2024-3333'],
  );
  assert.deepEqual(lang!.suppressed, [
    {
      kind: 'vulnerability',
      id: 'CVE-2024-1111',
      pkgName: 'lodash',
      installedVersion: '4.17.20',
      severity: 'HIGH',
      by: 'ignore',
      status: 'ignored',
      source: `${file}:1`,
      statement: undefined,
    },
  ]);
  assert.deepEqual(secret!.secrets, []);
  assert.deepEqual(
    secret!.suppressed?.map((s) => [s.kind, s.id, s.source]),
    [['secret', 'aws-access-key-id', `${file}:2`]],
  );
  assert.deepEqual(config!.misconfigurations, []);
  assert.deepEqual(
    config!.suppressed?.map((s) => [s.kind, s.id, s.source]),
    [['misconfiguration', 'DS002', `${file}:3`]],
  );
});

test('YAML rules: id, paths, purls, statement and expired_at, each kind in its own section', () => {
  const file = write(
    '.trivyignore.yaml',
    [
      'vulnerabilities:',
      '  - id: CVE-2024-3333',
      '    paths: ["vendor/qs"]',
      '    statement: vendored copy is never loaded',
      '  - id: CVE-2024-2222',
      '    purls: ["pkg:npm/minimist"]',
      '    expired_at: 2027-01-01',
      '  - id: CVE-2024-1111',
      '    purls: ["pkg:npm/lodash@4.17.19"]',
      '  - id: DS002',
      '    expired_at: 2025-12-31',
      'secrets:',
      '  - id: aws-access-key-id',
      '    paths: ["app/*.env"]',
      'misconfigurations:',
      '  - id: CVE-2024-1111',
      '',
    ].join('\n'),
  );
  const rules = loadIgnoreFile(file);
  assert.deepEqual(
    rules.map((x) => [x.kind, x.id, x.paths, x.purls, x.statement, x.expiresAt, x.origin]),
    [
      [
        'vulnerability',
        'CVE-2024-3333',
        ['vendor/qs'],
        undefined,
        'vendored copy is never loaded',
        undefined,
        `${file}: /vulnerabilities/0`,
      ],
      [
        'vulnerability',
        'CVE-2024-2222',
        undefined,
        ['pkg:npm/minimist'],
        undefined,
        '2027-01-01',
        `${file}: /vulnerabilities/1`,
      ],
      [
        'vulnerability',
        'CVE-2024-1111',
        undefined,
        ['pkg:npm/lodash@4.17.19'],
        undefined,
        undefined,
        `${file}: /vulnerabilities/2`,
      ],
      ['vulnerability', 'DS002', undefined, undefined, undefined, '2025-12-31', `${file}: /vulnerabilities/3`],
      ['secret', 'aws-access-key-id', ['app/*.env'], undefined, undefined, undefined, `${file}: /secrets/0`],
      [
        'misconfiguration',
        'CVE-2024-1111',
        undefined,
        undefined,
        undefined,
        undefined,
        `${file}: /misconfigurations/0`,
      ],
    ],
  );
  const { report: r, expired } = applyDecisions(sample(), { ignore: rules, vex: [], now: NOW });
  assert.deepEqual(
    expired.map((x) => x.id),
    ['DS002'],
  );
  const [lang, secret, config] = r.results;
  // The qs rule names one path: the copy under app/ stays. The lodash rule names another version: it stays.
  assert.deepEqual(
    lang!.vulnerabilities!.map((v) => `${v.id} ${v.pkgPath}`),
    ['CVE-2024-1111 app/node_modules/lodash/package.json', 'CVE-2024-3333 app/node_modules/qs/package.json'],
  );
  assert.deepEqual(
    lang!.suppressed!.map((s) => [s.id, s.pkgName, s.statement]),
    [
      ['CVE-2024-2222', 'minimist', undefined],
      ['CVE-2024-3333', 'qs', 'vendored copy is never loaded'],
    ],
  );
  // The glob path matches the secret's target (the leading slash ignored); a vulnerability-section rule never hides a check.
  assert.deepEqual(secret!.secrets, []);
  assert.equal(config!.misconfigurations!.length, 1);
  assert.equal(config!.suppressed, undefined);
});

test('YAML rules: malformed documents are errors naming the place', () => {
  assert.throws(() => loadIgnoreFile(write('a.yaml', 'licences:\n  - id: x\n')), /a\.yaml: unknown section "licences"/);
  assert.throws(
    () => loadIgnoreFile(write('b.yaml', 'vulnerabilities:\n  id: x\n')),
    /b\.yaml: \/vulnerabilities must be a list/,
  );
  assert.throws(
    () => loadIgnoreFile(write('c.yaml', 'secrets:\n  - paths: [a]\n')),
    /c\.yaml: \/secrets\/0\/id: missing or not a string/,
  );
  assert.throws(
    () => loadIgnoreFile(write('d.yaml', 'vulnerabilities:\n  - id: x\n    paths: a\n')),
    /\/vulnerabilities\/0\/paths: must be a list of strings/,
  );
  assert.throws(
    () => loadIgnoreFile(write('e.yaml', 'vulnerabilities:\n  - id: x\n    expired_at: next week\n')),
    /\/vulnerabilities\/0\/expired_at: "next week" is not a YYYY-MM-DD date/,
  );
  assert.throws(() => loadIgnoreFile(join(dir, 'missing.yaml')), /missing\.yaml: cannot read the ignore file/);
});

test('path wildcards match as globs and stay fast on hostile patterns', () => {
  assert.equal(wildcardMatch('app/*/package.json', 'app/x/y/package.json'), true);
  assert.equal(wildcardMatch('*.jar', 'opt/app/lib/a.jar'), true);
  assert.equal(wildcardMatch('app/*.jar', 'app/a.war'), false);
  assert.equal(wildcardMatch('a*b*c', 'abc'), true);
  assert.equal(wildcardMatch('a*b*c', 'acb'), false);
  // As a regex (`^a.*a.*…b$`) four stars on 3,000 `a`s did not finish in 20 s; thirty stars on 20,000 here.
  const pattern = `${'a*'.repeat(30)}b`;
  const path = 'a'.repeat(20_000);
  const t0 = process.hrtime.bigint();
  assert.equal(wildcardMatch(pattern, path), false);
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e9 < 1, 'linear in path × pattern, well under a second');
});
