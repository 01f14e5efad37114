/** The seed's gate block passes and fails exactly at its thresholds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateGates, parseGates } from '../../src/policy/gates.js';
import type { Report, Severity, Vulnerability } from '../../src/model/report.js';

function reportWith(counts: Partial<Record<Severity, number>>): Report {
  const vulns: Vulnerability[] = [];
  for (const [sev, n] of Object.entries(counts) as [Severity, number][]) {
    for (let i = 0; i < n; i++)
      vulns.push({
        id: `CVE-2099-${sev}-${i}`,
        aliases: [],
        pkgName: 'p',
        pkgId: 'p@1',
        purl: 'pkg:npm/p@1',
        installedVersion: '1',
        status: 'affected',
        severity: sev,
        severitySource: '',
        cvss: [],
        references: [],
        matchedBy: [{ advisoryId: 'X', ecosystem: 'npm', range: '>=0' }],
      });
  }
  return {
    schemaVersion: 2,
    createdAt: '',
    artifactName: 'x',
    artifactType: 'container_image',
    metadata: { diffIds: [], repoTags: [], repoDigests: [] },
    results: [{ target: 't', class: 'lang-pkgs', type: 'npm', vulnerabilities: vulns }],
    warnings: [],
  };
}

const seed = parseGates(
  {
    container_scan: { critical_vulnerabilities: 0, high_vulnerabilities: 3, medium_vulnerabilities: 10 },
    sbom_validation: 'required',
  },
  'customs.yaml',
);

test('at the thresholds every gate passes', () => {
  const v = evaluateGates(seed, reportWith({ CRITICAL: 0, HIGH: 3, MEDIUM: 10, LOW: 50 }), true);
  assert.deepEqual(
    v.map((g) => `${g.gate}:${g.count}/${g.limit}:${g.pass}`),
    [
      'critical_vulnerabilities:0/0:true',
      'high_vulnerabilities:3/3:true',
      'medium_vulnerabilities:10/10:true',
      'sbom_validation:valid/required:true',
    ],
  );
});

test('one over a threshold fails that gate only', () => {
  for (const [sev, counts] of [
    ['critical', { CRITICAL: 1, HIGH: 3, MEDIUM: 10 }],
    ['high', { HIGH: 4, MEDIUM: 10 }],
    ['medium', { HIGH: 3, MEDIUM: 11 }],
  ] as const) {
    const failed = evaluateGates(seed, reportWith(counts), true)
      .filter((g) => !g.pass)
      .map((g) => g.gate);
    assert.deepEqual(failed, [`${sev}_vulnerabilities`]);
  }
  assert.deepEqual(
    evaluateGates(seed, reportWith({}), false)
      .filter((g) => !g.pass)
      .map((g) => g.gate),
    ['sbom_validation'],
  );
});

test('malformed gate blocks are errors naming the key', () => {
  assert.throws(
    () => parseGates({ container_scan: { critical: 0 } }, 'customs.yaml'),
    /customs\.yaml: security_gates\.container_scan\.critical is unknown/,
  );
  assert.throws(
    () => parseGates({ container_scan: { high_vulnerabilities: -1 } }, 'c.yaml'),
    /must be a non-negative integer/,
  );
  assert.throws(
    () => parseGates({ sbom_validation: 'yes' }, 'c.yaml'),
    /sbom_validation must be required, optional or off/,
  );
});
