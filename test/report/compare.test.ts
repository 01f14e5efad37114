/**
 * compareReports on two hand-made reports: packages added, removed, changed
 * (OS packages by name, language packages by name and file), vulnerabilities
 * introduced and fixed, counts that add up; and both renderers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareReports } from '../../src/report/compare.js';
import { renderComparisonJson, renderComparisonTable } from '../../src/report/format/compare-text.js';
import type { Package } from '../../src/model/package.js';
import type { Report, Severity } from '../../src/model/report.js';
import { pkg, report, vuln } from '../support/model.js';

const deb = (name: string, version: string, filePath = 'var/lib/dpkg/status'): Package =>
  pkg({
    name,
    version,
    purl: `pkg:deb/debian/${name}@${version}?arch=amd64`,
    ecosystem: 'deb',
    type: 'debian',
    arch: 'amd64',
    filePath,
  });
const npm = (name: string, version: string, filePath = 'app/package-lock.json'): Package =>
  pkg({ name, version, purl: `pkg:npm/${name}@${version}`, ecosystem: 'npm', filePath });
const v = (id: string, p: Package, severity: Severity, fixedVersion?: string) =>
  vuln({
    id,
    pkgName: p.name,
    installedVersion: p.version,
    purl: p.purl,
    severity,
    ...(fixedVersion ? { fixedVersion } : {}),
  });

function oldReport(): Report {
  const os = [deb('openssl', '3.0.14-1'), deb('zlib1g', '1.2.13-1'), deb('libgcc-s1', '12.2.0-14')];
  const lang = [npm('lodash', '4.17.20'), npm('minimist', '1.2.5'), npm('left-pad', '1.0.0')];
  return report(
    [
      {
        target: 'app:1 (debian 12.6)',
        class: 'os-pkgs',
        type: 'debian',
        packages: os,
        vulnerabilities: [v('CVE-2024-0001', os[0]!, 'HIGH', '3.0.15-1'), v('CVE-2024-0002', os[1]!, 'LOW')],
      },
      {
        target: 'app/package-lock.json',
        class: 'lang-pkgs',
        type: 'npm',
        packages: lang,
        vulnerabilities: [v('CVE-2021-23337', lang[0]!, 'CRITICAL', '4.17.21')],
      },
    ],
    { artifactName: 'app:1' },
  );
}

function newReport(): Report {
  // openssl is read from another status file (distroless layout): still the same OS package, changed in version.
  const os = [
    deb('openssl', '3.0.15-1', 'var/lib/dpkg/status.d/openssl'),
    deb('zlib1g', '1.2.13-1'),
    deb('curl', '7.88.1-10'),
  ];
  const lang = [
    npm('lodash', '4.17.21'),
    npm('minimist', '1.2.5'),
    npm('debug', '4.3.4'),
    npm('lodash', '4.17.21', 'app/vendor/lodash/package.json'),
  ];
  return report(
    [
      {
        target: 'app:2 (debian 12.7)',
        class: 'os-pkgs',
        type: 'debian',
        packages: os,
        vulnerabilities: [v('CVE-2024-0002', os[1]!, 'LOW'), v('CVE-2024-0004', os[2]!, 'MEDIUM')],
      },
      {
        target: 'app/package-lock.json',
        class: 'lang-pkgs',
        type: 'npm',
        packages: lang,
        vulnerabilities: [v('CVE-2024-0005', lang[2]!, 'HIGH', '4.3.5')],
      },
    ],
    { artifactName: 'app:2' },
  );
}

test('packages added, removed and changed; vulnerabilities introduced, fixed and persisting; counts add up', () => {
  const c = compareReports(oldReport(), newReport());
  assert.deepEqual(c.old, { name: 'app:1', packages: 6, vulnerabilities: 3 });
  assert.deepEqual(c.new, { name: 'app:2', packages: 7, vulnerabilities: 3 });
  assert.deepEqual(c.packages.added, [
    { name: 'curl', ecosystem: 'deb', filePath: 'var/lib/dpkg/status', to: '7.88.1-10' },
    { name: 'debug', ecosystem: 'npm', filePath: 'app/package-lock.json', to: '4.3.4' },
    { name: 'lodash', ecosystem: 'npm', filePath: 'app/vendor/lodash/package.json', to: '4.17.21' },
  ]);
  assert.deepEqual(c.packages.removed, [
    { name: 'left-pad', ecosystem: 'npm', filePath: 'app/package-lock.json', from: '1.0.0' },
    { name: 'libgcc-s1', ecosystem: 'deb', filePath: 'var/lib/dpkg/status', from: '12.2.0-14' },
  ]);
  assert.deepEqual(c.packages.changed, [
    { name: 'lodash', ecosystem: 'npm', filePath: 'app/package-lock.json', from: '4.17.20', to: '4.17.21' },
    { name: 'openssl', ecosystem: 'deb', filePath: 'var/lib/dpkg/status.d/openssl', from: '3.0.14-1', to: '3.0.15-1' },
  ]);
  assert.equal(c.packages.unchanged, 2);
  assert.equal(c.old.packages, c.packages.removed.length + c.packages.changed.length + c.packages.unchanged);
  assert.equal(c.new.packages, c.packages.added.length + c.packages.changed.length + c.packages.unchanged);
  assert.deepEqual(
    c.vulnerabilities.introduced.map((x) => `${x.id} ${x.pkgName}`),
    ['CVE-2024-0004 curl', 'CVE-2024-0005 debug'],
  );
  assert.deepEqual(
    c.vulnerabilities.fixed.map((x) => `${x.id} ${x.pkgName}`),
    ['CVE-2024-0001 openssl', 'CVE-2021-23337 lodash'],
  );
  assert.equal(c.vulnerabilities.persisting, 1);
  assert.deepEqual(c.bySeverity, {
    CRITICAL: { introduced: 0, fixed: 1 },
    HIGH: { introduced: 1, fixed: 1 },
    MEDIUM: { introduced: 1, fixed: 0 },
    LOW: { introduced: 0, fixed: 0 },
    UNKNOWN: { introduced: 0, fixed: 0 },
  });
});

test('a report compared with itself changes nothing', () => {
  const c = compareReports(oldReport(), oldReport());
  assert.deepEqual(
    [c.packages.added, c.packages.removed, c.packages.changed, c.vulnerabilities.introduced, c.vulnerabilities.fixed],
    [[], [], [], [], []],
  );
  assert.equal(c.packages.unchanged, 6);
  assert.equal(c.vulnerabilities.persisting, 3);
});

test('the JSON renderer: every list and count, vulnerabilities in the report layout', () => {
  const doc = JSON.parse(renderComparisonJson(compareReports(oldReport(), newReport()))) as Record<
    string,
    Record<string, unknown>
  >;
  assert.deepEqual(Object.keys(doc), ['Old', 'New', 'Packages', 'Vulnerabilities', 'BySeverity']);
  assert.deepEqual(doc['Old'], { name: 'app:1', packages: 6, vulnerabilities: 3 });
  assert.deepEqual(
    (doc['Packages']!['Added'] as { name: string }[]).map((p) => p.name),
    ['curl', 'debug', 'lodash'],
  );
  assert.equal(doc['Packages']!['Unchanged'], 2);
  assert.deepEqual(doc['Vulnerabilities'], {
    Introduced: [
      { VulnerabilityID: 'CVE-2024-0004', PkgName: 'curl', InstalledVersion: '7.88.1-10', Severity: 'MEDIUM' },
      {
        VulnerabilityID: 'CVE-2024-0005',
        PkgName: 'debug',
        InstalledVersion: '4.3.4',
        FixedVersion: '4.3.5',
        Severity: 'HIGH',
      },
    ],
    Fixed: [
      {
        VulnerabilityID: 'CVE-2024-0001',
        PkgName: 'openssl',
        InstalledVersion: '3.0.14-1',
        FixedVersion: '3.0.15-1',
        Severity: 'HIGH',
      },
      {
        VulnerabilityID: 'CVE-2021-23337',
        PkgName: 'lodash',
        InstalledVersion: '4.17.20',
        FixedVersion: '4.17.21',
        Severity: 'CRITICAL',
      },
    ],
    Persisting: 1,
  });
  assert.deepEqual(doc['BySeverity']!['CRITICAL'], { introduced: 0, fixed: 1 });
});

test('the table renderer: summary lines, the severity table, one row per package change, introduced findings', () => {
  const t = renderComparisonTable(compareReports(oldReport(), newReport()));
  const lines = t.split('\n');
  assert.deepEqual(lines.slice(0, 3), [
    'app:1 → app:2',
    'packages: 6 → 7 (3 added, 2 removed, 2 changed, 2 unchanged)',
    'vulnerabilities: 3 → 3 (2 introduced, 2 fixed, 1 persisting)',
  ]);
  assert.ok(t.includes('│ Severity │ Introduced │ Fixed │'));
  assert.ok(t.includes('│ CRITICAL │ 0          │ 1     │'));
  assert.ok(t.includes('│ HIGH     │ 1          │ 1     │'));
  assert.ok(t.includes('│ MEDIUM   │ 1          │ 0     │'));
  const changes = lines
    .filter((l) => /^│ (added|removed|changed) /.test(l))
    .map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim())
        .join(' | '),
    );
  assert.deepEqual(changes, [
    'added | curl |  | 7.88.1-10',
    'added | debug |  | 4.3.4',
    'added | lodash |  | 4.17.21',
    'removed | left-pad | 1.0.0 | ',
    'removed | libgcc-s1 | 12.2.0-14 | ',
    'changed | lodash | 4.17.20 | 4.17.21',
    'changed | openssl | 3.0.14-1 | 3.0.15-1',
  ]);
  assert.ok(lines.includes('Introduced vulnerabilities:'));
  assert.match(t, /│ CVE-2024-0005 +│ debug +│ HIGH +│ 4\.3\.4 +│ 4\.3\.5 +│/);
  // Nothing introduced: no introduced table.
  assert.ok(!renderComparisonTable(compareReports(newReport(), newReport())).includes('Introduced vulnerabilities:'));
});
