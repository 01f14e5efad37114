/**
 * Issue 17 item 8: the table people read. A summary of every target first
 * (per severity, with fixable counts), Trivy's columns, a package written
 * once over its findings, "Added In" from the layer's history, targets with
 * nothing found folded into one line, the end of life said once, and
 * severity colours only when asked for.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Report, Result, Severity, Vulnerability } from '../../../src/model/report.js';
import { renderTableReport } from '../../../src/report/format/table.js';
import { shortCreatedBy } from '../../../src/report/format/table-cells.js';

const LAYER = {
  digest: 'sha256:aa',
  diffId: 'sha256:bb',
  createdBy: '/bin/sh -c apt-get update && apt-get install -y --no-install-recommends openssl curl # buildkit',
};

function vuln(pkg: string, id: string, severity: Severity, fixed?: string): Vulnerability {
  return {
    id,
    aliases: [id],
    pkgName: pkg,
    pkgId: `${pkg}@1`,
    purl: `pkg:deb/debian/${pkg}@1.0`,
    installedVersion: '1.0',
    fixedVersion: fixed,
    status: fixed ? 'fixed' : 'affected',
    severity,
    severitySource: 'debian',
    cvss: [],
    references: [],
    title: `${id} in ${pkg}`,
    layer: LAYER,
    matchedBy: [],
  };
}

function report(results: Result[], eosl = false): Report {
  return {
    schemaVersion: 2,
    createdAt: '2026-12-03T00:00:00Z',
    artifactName: 'app:1',
    artifactType: 'container_image',
    metadata: {
      diffIds: [],
      repoTags: [],
      repoDigests: [],
      os: { family: 'debian', name: '10.13', eosl, eolDate: eosl ? '2024-06-30' : undefined },
    },
    warnings: [],
    results,
  };
}

const osResult: Result = {
  target: 'app:1 (debian 10.13)',
  class: 'os-pkgs',
  type: 'debian',
  vulnerabilities: [
    vuln('openssl', 'CVE-2024-0002', 'LOW'),
    vuln('curl', 'CVE-2024-0003', 'MEDIUM', '7.2'),
    vuln('openssl', 'CVE-2024-0001', 'CRITICAL', '3.1'),
    vuln('openssl', 'CVE-2024-0004', 'HIGH', '3.1'),
  ],
};
const emptyLock = (target: string): Result => ({ target, class: 'lang-pkgs', type: 'npm', vulnerabilities: [] });

test('a summary of every target comes first, per severity with the fixable counts', () => {
  const t = renderTableReport(report([osResult, emptyLock('a/package-lock.json')]), { listPackages: false });
  assert.ok(t.indexOf('Report Summary') < t.indexOf('Total: 4'), 'the summary first');
  assert.match(t, /│ Target +│ Type +│ CRITICAL │ HIGH +│ MEDIUM │ LOW │ UNKNOWN │/);
  assert.match(t, /│ app:1 \(debian 10\.13\) +│ debian +│ 1 \(1\) +│ 1 \(1\) │ 1 \(1\) +│ 1 +│ - +│/);
  assert.match(t, /│ 1 target: nothing found +│ +│ - +│/);
});

test("Trivy's columns, the package written once over its rows, and the layer that added it", () => {
  const t = renderTableReport(report([osResult]), { listPackages: false });
  assert.match(
    t,
    /│ Library +│ Vulnerability +│ Severity +│ Status +│ Installed Version +│ Fixed Version +│ Title +│ Added In +│/,
  );
  const rows = t.split('\n').filter((l) => /CVE-2024-000\d/.test(l) && l.startsWith('│'));
  // openssl (its worst is CRITICAL) before curl (MEDIUM); inside openssl by severity.
  assert.deepEqual(
    rows.map((l) => /CVE-2024-000\d/.exec(l)![0]),
    ['CVE-2024-0001', 'CVE-2024-0004', 'CVE-2024-0002', 'CVE-2024-0003'],
  );
  assert.match(rows[0]!, /^│ openssl +│ CVE-2024-0001 /);
  assert.match(rows[1]!, /^│ +│ CVE-2024-0004 /, 'the package cell merged');
  assert.match(rows[3]!, /^│ curl +│ CVE-2024-0003 /);
  // Between merged rows the line stays open under the package; between packages it closes.
  assert.match(t, /\n│ {9}├─+┼/);
  assert.match(rows[0]!, /│ RUN apt-get update && apt-get install… │$/);
});

test('a target with unchecked packages keeps its summary row: not "nothing found"', () => {
  const jars: Result = {
    target: 'app/lib',
    class: 'lang-pkgs',
    type: 'jar',
    vulnerabilities: [],
    unchecked: [{ ecosystem: 'Maven', packages: 125, reason: 'no advisories for Maven in this database' }],
  };
  const t = renderTableReport(report([jars]), { listPackages: false });
  assert.match(t, /│ app\/lib +│ jar \(125 not checked\) │ - /);
  assert.doesNotMatch(t, /nothing found|Nothing found/);
  assert.match(t, /^Not checked: /m);
});

test('targets with nothing found fold into one line; the end of life is said once, in the summary', () => {
  const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => emptyLock(`${x}/package-lock.json`));
  const t = renderTableReport(report([{ ...osResult, vulnerabilities: [] }, ...many], true), { listPackages: false });
  assert.match(t, /│ app:1 \(debian 10\.13\) +│ debian \(end of life 2024-06-30\) │/);
  assert.equal(t.match(/end of life/g)?.length, 1);
  assert.doesNotMatch(t, /Total: 0/);
  assert.match(
    t,
    /^Nothing found in 8 targets: app:1 \(debian 10\.13\), a\/package-lock\.json, b\/package-lock\.json, c\/package-lock\.json, d\/package-lock\.json and 3 more$/m,
  );
});

/* eslint-disable no-control-regex -- the escape codes are what these assertions are about */
test('severity colours only when asked for, and the widths stay right', () => {
  const plain = renderTableReport(report([osResult]), { listPackages: false });
  assert.doesNotMatch(plain, /\x1b\[/);
  const colored = renderTableReport(report([osResult]), { listPackages: false, color: true });
  assert.match(colored, /│\x1b\[31m CRITICAL \x1b\[0m│/);
  assert.match(colored, /│\x1b\[34m LOW +\x1b\[0m│/);
  assert.equal(colored.replace(/\x1b\[\d+m/g, ''), plain);
});
/* eslint-enable no-control-regex */

test('history lines shortened as a person reads them', () => {
  assert.equal(
    shortCreatedBy('/bin/sh -c #(nop) ADD file:77d437ce285f3686b6792f3ef904e6a5a4c4a0b6f3d3b3e6c5b8e1f2a3b4c5d6 in / '),
    'ADD file:77d437ce285f in /',
  );
  assert.equal(shortCreatedBy('/bin/sh -c #(nop)  CMD ["bash"]'), 'CMD ["bash"]');
  assert.equal(shortCreatedBy('RUN /bin/sh -c npm ci # buildkit'), 'RUN npm ci');
  assert.equal(shortCreatedBy('|2 A=1 B=2 /bin/sh -c make'), 'RUN make');
  assert.equal(shortCreatedBy('COPY app /app # buildkit'), 'COPY app /app');
  // A hostile history line (megabytes, build-arg lookalikes) costs no more than a short one.
  const t0 = performance.now();
  assert.ok(shortCreatedBy(`|1 ${'a=a=a'.repeat(400_000)}`).length <= 38);
  assert.ok(performance.now() - t0 < 200, 'bounded time');
});
