/**
 * Acceptance (decisions): an ignore rule past its expiry does not suppress
 * (and is reported as expired); a live one does; an OpenVEX `not_affected`
 * statement does; `under_investigation` keeps the finding and says so;
 * every suppressed finding is listed with --show-suppressed. Malformed files
 * fail with the file and place named.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';
import { errorsOf, openVexValidator } from '../support/schema.js';

const images = ensureImages(['debian-bookworm']);
const db = ensureDb();
const work = mkdtempSync(join(tmpdir(), 'customs-decisions-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface V {
  VulnerabilityID: string;
  PkgName: string;
  VEXStatus?: string;
}
interface S {
  ID: string;
  PkgName?: string;
  SuppressedBy: string;
  Status: string;
  Source: string;
}
async function scan(extra: string[]): Promise<{ code: number | null; vulns: V[]; suppressed: S[]; stderr: string }> {
  if ('skip' in images || 'skip' in db) throw new Error('skipped');
  const r = await runCli([
    'image',
    '--input',
    imageForms(images.cache, 'debian-bookworm').oci,
    '-f',
    'json',
    '--cache-dir',
    db.cacheDir,
    '--skip-db-update',
    ...extra,
  ]);
  const rep = r.stdout
    ? (JSON.parse(r.stdout) as { Results: { Vulnerabilities?: V[]; Suppressed?: S[] }[] })
    : { Results: [] };
  return {
    code: r.code,
    vulns: rep.Results.flatMap((x) => x.Vulnerabilities ?? []),
    suppressed: rep.Results.flatMap((x) => x.Suppressed ?? []),
    stderr: r.stderr,
  };
}

describe('ignore files and VEX', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  test('expired ignore rules do not apply; live rules and not_affected VEX do; all visible with --show-suppressed', async () => {
    const base = await scan([]);
    const pick = (pkg: string) => base.vulns.find((v) => v.PkgName === pkg)!;
    const [a, b, c, d] = [pick('zlib1g'), pick('perl-base'), pick('libpam-modules'), pick('libgnutls30')];
    assert.ok(a && b && c && d, 'the bookworm image has findings on these packages');
    const ignore = join(work, '.trivyignore');
    writeFileSync(ignore, `# team decisions\n${a.VulnerabilityID} exp:2020-01-01\n${b.VulnerabilityID}\n`);
    const vex = join(work, 'vex.json');
    writeFileSync(
      vex,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.invalid/vex/1',
        author: 'security team',
        timestamp: '2026-11-24T00:00:00Z',
        version: 1,
        statements: [
          {
            vulnerability: { name: c.VulnerabilityID },
            products: [{ '@id': 'pkg:oci/bookworm', subcomponents: [{ '@id': 'pkg:deb/debian/libpam-modules' }] }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
          },
          {
            vulnerability: { name: d.VulnerabilityID },
            products: [{ '@id': 'pkg:deb/debian/libgnutls30' }],
            status: 'under_investigation',
          },
        ],
      }),
    );
    const r = await scan(['--ignorefile', ignore, '--vex', vex, '--show-suppressed']);
    assert.equal(r.code, 0, r.stderr);
    const has = (v: V) => r.vulns.some((x) => x.VulnerabilityID === v.VulnerabilityID && x.PkgName === v.PkgName);
    assert.ok(has(a), 'an expired rule does not suppress');
    assert.match(
      r.stderr,
      new RegExp(`ignore rule ${a.VulnerabilityID} \\(.*\\.trivyignore:2\\) expired on 2020-01-01`),
    );
    assert.ok(!has(b), 'a live ignore rule suppresses');
    assert.ok(!has(c), 'not_affected suppresses');
    assert.equal(
      r.vulns.find((x) => x.VulnerabilityID === d.VulnerabilityID && x.PkgName === 'libgnutls30')?.VEXStatus,
      'under_investigation',
    );
    assert.ok(
      r.suppressed.some(
        (s) => s.ID === b.VulnerabilityID && s.SuppressedBy === 'ignore' && /\.trivyignore:3$/.test(s.Source),
      ),
    );
    assert.ok(
      r.suppressed.some((s) => s.ID === c.VulnerabilityID && s.SuppressedBy === 'vex' && s.Status === 'not_affected'),
    );
    const ovx = await runCli([
      'image',
      '--input',
      imageForms(images.cache, 'debian-bookworm').oci,
      '-f',
      'openvex',
      '--cache-dir',
      db.cacheDir,
      '--skip-db-update',
      '--quiet',
      '--vex',
      vex,
    ]);
    assert.equal(ovx.code, 0, ovx.stderr);
    const doc = JSON.parse(ovx.stdout) as {
      statements: { vulnerability: { name: string }; status: string; justification?: string }[];
    };
    const validate = openVexValidator();
    assert.ok(validate(doc), errorsOf(validate));
    assert.ok(
      doc.statements.some(
        (x) =>
          x.vulnerability.name === c.VulnerabilityID &&
          x.status === 'not_affected' &&
          x.justification === 'vulnerable_code_not_in_execute_path',
      ),
      'VEX decisions are written back out',
    );
    assert.ok(
      doc.statements.some((x) => x.vulnerability.name === d.VulnerabilityID && x.status === 'under_investigation'),
    );
    assert.ok(doc.statements.some((x) => x.vulnerability.name === a.VulnerabilityID && x.status === 'affected'));
    const hidden = await scan(['--ignorefile', ignore, '--vex', vex]);
    assert.equal(hidden.suppressed.length, 0, 'suppressed findings are listed only on request');
    assert.equal(
      hidden.vulns.length + r.suppressed.length,
      base.vulns.length,
      'nothing vanishes: findings + suppressed = all',
    );
  });
  test('malformed decision files name the file and the place', async () => {
    const badIgnore = join(work, 'bad.trivyignore');
    writeFileSync(badIgnore, 'CVE-2024-1 exp:tomorrow\n');
    const r1 = await scan(['--ignorefile', badIgnore]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /bad\.trivyignore:1: "tomorrow" is not a date/);
    const badYaml = join(work, 'ignore.yaml');
    writeFileSync(badYaml, 'vulnerabilities:\n  - id: CVE-1\n    expired_at: soon\nsecretz: []\n');
    const r2 = await scan(['--ignorefile', badYaml]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /ignore\.yaml: (unknown section "secretz"|\/vulnerabilities\/0\/expired_at)/);
    const badVex = join(work, 'bad-vex.json');
    writeFileSync(
      badVex,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [{ vulnerability: { name: 'CVE-1' }, status: 'maybe' }],
      }),
    );
    const r3 = await scan(['--vex', badVex]);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /bad-vex\.json: \/statements\/0\/status: "maybe" is not one of/);
  });
});

describe('gates from customs.yaml', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  const gate = (c: number, h: number, m: number) =>
    `# the seed's block\nseverity: [CRITICAL, HIGH, MEDIUM]\nsecurity_gates:\n  container_scan: { critical_vulnerabilities: ${c}, high_vulnerabilities: ${h}, medium_vulnerabilities: ${m} }\n  sbom_validation: required\n`;
  test("the gate passes at the image's own counts and fails one below", async () => {
    const base = await scan([]);
    const n = (s: string) => base.vulns.filter((v) => (v as V & { Severity: string }).Severity === s).length;
    const [c, h, m] = [n('CRITICAL'), n('HIGH'), n('MEDIUM')];
    const pass = join(work, 'pass.yaml');
    writeFileSync(pass, gate(c, h, m));
    const ok = await scan(['--config', pass]);
    assert.equal(ok.code, 0, ok.stderr);
    const fail = join(work, 'fail.yaml');
    writeFileSync(fail, gate(c, h, Math.max(0, m - 1)));
    const bad = await scan(['--config', fail]);
    assert.equal(bad.code, m > 0 ? 1 : 0, bad.stderr);
    if (m > 0) assert.match(bad.stderr, /security gate medium_vulnerabilities failed: \d+ over the limit \d+/);
  });
  test('unknown keys in customs.yaml are errors with a suggestion', async () => {
    const cfg = join(work, 'typo.yaml');
    writeFileSync(cfg, 'severty: HIGH\n');
    const r = await scan(['--config', cfg]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /typo\.yaml: unknown key "severty" \(did you mean "severity"\?\)/);
  });
});
