/**
 * Acceptance: on the shared images, customs' vulnerability findings equal
 * those of an independent implementation over the same OSV data
 * (test/support/osv_independent.py: Python's zipfile + the distributions'
 * own version tools), every finding names the advisory and range that
 * matched, and the severity gate exits exactly when it should.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb, osvDir } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';
import { repoRoot, sharedDir } from '../support/paths.js';

const PYTHON_IMAGE = 'polyglot';
const IMAGES: Record<string, string> = {
  'debian-bullseye': 'Debian:11',
  'debian-bookworm': 'Debian:12',
  'debian-trixie': 'Debian:13',
  'node-app': 'Debian:12',
  polyglot: 'Debian:12',
  distroless: 'Debian:12',
  'alpine-amd64': 'Alpine:v3.20',
};
const images = ensureImages([...new Set([...Object.keys(IMAGES), PYTHON_IMAGE])]);
const db = ensureDb();
const work = mkdtempSync(join(tmpdir(), 'customs-e2e-vuln-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Vuln {
  VulnerabilityID: string;
  PkgName: string;
  Severity: string;
  FixedVersion?: string;
  Status: string;
  MatchedBy: { AdvisoryID: string; Range: string }[];
}
interface Report {
  Results: {
    Class: string;
    Packages?: { Name: string; Version: string; SrcName?: string; SrcVersion?: string }[];
    Vulnerabilities?: Vuln[];
  }[];
}

async function scan(
  input: string,
  extra: string[] = [],
): Promise<{ code: number | null; report: Report; stderr: string }> {
  if ('skip' in db) throw new Error(db.skip);
  const r = await runCli([
    'image',
    '--input',
    input,
    '-f',
    'json',
    '--list-all-pkgs',
    '--cache-dir',
    db.cacheDir,
    '--skip-db-update',
    '--quiet',
    ...extra,
  ]);
  return { code: r.code, report: JSON.parse(r.stdout || '{"Results":[]}') as Report, stderr: r.stderr };
}

let alpineRoot: string | undefined;
function alpineChroot(): string {
  if (!alpineRoot) {
    alpineRoot = join(work, 'alpine');
    execFileSync('mkdir', ['-p', alpineRoot]);
    execFileSync('tar', [
      '-xzf',
      join(sharedDir, 'images', 'fixtures', 'alpine', 'alpine-minirootfs-3.20.3-x86_64.tar.gz'),
      '-C',
      alpineRoot,
    ]);
  }
  return alpineRoot;
}

describe('vulnerabilities equal an independent OSV matcher', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  if ('skip' in db) {
    test('db', (t) => t.skip(db.skip));
    return;
  }
  for (const [name, ecosystem] of Object.entries(IMAGES)) {
    test(name, async () => {
      const { code, report, stderr } = await scan(imageForms(images.cache, name).oci);
      assert.equal(code, 0, stderr);
      const os = report.Results.filter((r) => r.Class === 'os-pkgs');
      const pkgs = os.flatMap((r) => r.Packages ?? []);
      const input = pkgs
        .map((p) => `${p.Name}\t${p.SrcName ?? p.Name}\t${p.Version}\t${p.SrcVersion ?? ''}`)
        .join('\n');
      const args = [
        join(repoRoot, 'test', 'support', 'osv_independent.py'),
        osvDir,
        ecosystem,
        ...(ecosystem.startsWith('Alpine') ? [alpineChroot()] : []),
      ];
      const expected = execFileSync('python3', args, { input, encoding: 'utf8', maxBuffer: 64 << 20 })
        .trim()
        .split('\n')
        .filter(Boolean)
        .sort();
      const vulns = os.flatMap((r) => r.Vulnerabilities ?? []);
      const got = [...new Set(vulns.map((v) => `${v.PkgName}\t${v.VulnerabilityID}`))].sort();
      assert.deepEqual(got, expected);
      for (const v of vulns) {
        assert.ok(
          v.MatchedBy.length > 0 && v.MatchedBy.every((m) => m.AdvisoryID && m.Range),
          `${v.VulnerabilityID} names no advisory/range`,
        );
        if (v.FixedVersion) assert.equal(v.Status, 'fixed');
      }
    });
  }

  test('polyglot: Python findings (installed and requirements.txt) equal the independent matcher with PEP 440 from `packaging`', async () => {
    const { code, report, stderr } = await scan(imageForms(images.cache, PYTHON_IMAGE).oci, ['--match-os-owned']);
    assert.equal(code, 0, stderr);
    const py = report.Results.filter((r) =>
      ['python-pkg', 'pip', 'pipenv', 'poetry'].includes((r as { Type?: string }).Type ?? ''),
    );
    const pkgs = py.flatMap((r) => r.Packages ?? []);
    assert.ok(pkgs.length >= 10, `${pkgs.length} Python packages`);
    const input = pkgs.map((p) => `${p.Name}\t${p.Name}\t${p.Version}`).join('\n');
    const expected = execFileSync(
      'python3',
      [join(repoRoot, 'test', 'support', 'osv_independent.py'), osvDir, 'PyPI'],
      { input, encoding: 'utf8', maxBuffer: 64 << 20 },
    )
      .trim()
      .split('\n')
      .filter(Boolean)
      .sort();
    const got = [
      ...new Set(py.flatMap((r) => r.Vulnerabilities ?? []).map((v) => `${v.PkgName}\t${v.VulnerabilityID}`)),
    ].sort();
    assert.ok(expected.length > 0, 'the image has vulnerable Python packages to compare on');
    assert.deepEqual(got, expected);
  });

  test('a rescan with every layer and the findings cached reports exactly what the first scan did', async () => {
    if ('skip' in db) return;
    const cache = join(work, 'rescan-cache');
    mkdirSync(cache);
    symlinkSync(join(db.cacheDir, 'db'), join(cache, 'db'));
    const args = [
      'image',
      '--input',
      imageForms(images.cache, 'polyglot').oci,
      '-f',
      'json',
      '--list-all-pkgs',
      '--cache-dir',
      cache,
      '--skip-db-update',
      '--quiet',
    ];
    const first = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    const cached = readdirSync(join(cache, 'layers'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'))
      .filter((f) =>
        (JSON.parse(readFileSync(join(cache, 'layers', f), 'utf8')) as { key: string }).key.startsWith('findings'),
      );
    assert.equal(cached.length, 1, 'the first scan stored its findings');
    const again = await runCli(args);
    assert.equal(again.code, 0, again.stderr);
    const withoutDate = (s: string): unknown => ({ ...(JSON.parse(s) as object), CreatedAt: undefined });
    assert.deepEqual(withoutDate(again.stdout), withoutDate(first.stdout));
    assert.ok(
      (JSON.parse(again.stdout) as Report).Results.some((r) => r.Vulnerabilities?.length),
      'there were findings to compare',
    );
  });

  test('--exit-code 1 --severity CRITICAL,HIGH --ignore-unfixed exits 1 exactly when such a finding remains', async () => {
    for (const name of Object.keys(IMAGES)) {
      const input = imageForms(images.cache, name).oci;
      const all = await scan(input);
      const gated = all.report.Results.flatMap((r) => r.Vulnerabilities ?? []).filter(
        (v) => (v.Severity === 'CRITICAL' || v.Severity === 'HIGH') && v.FixedVersion,
      );
      const r = await scan(input, ['--exit-code', '1', '--severity', 'CRITICAL,HIGH', '--ignore-unfixed']);
      assert.equal(r.code, gated.length ? 1 : 0, `${name}: ${gated.length} gated findings`);
      const left = r.report.Results.flatMap((x) => x.Vulnerabilities ?? []);
      assert.equal(left.length, gated.length);
      const loose = await scan(input, ['--exit-code', '1', '--severity', 'CRITICAL,HIGH']);
      const high = all.report.Results.flatMap((x) => x.Vulnerabilities ?? []).filter(
        (v) => v.Severity === 'CRITICAL' || v.Severity === 'HIGH',
      );
      assert.equal(loose.code, high.length ? 1 : 0, `${name}: ${high.length} high findings`);
    }
  });
});

test(
  'a fixture OSV corpus with a fixed and an open range: exit codes on both sides of the gate',
  { skip: 'skip' in images ? images.skip : false },
  async () => {
    // Two hand-written OSV records against alpine-amd64's real packages: openssl fixed in 3.3.3-r0 with a
    // CRITICAL vector, busybox open (no fix) with a HIGH vector. Zipped here with Python's zipfile.
    if ('skip' in images) return;
    const src = join(work, 'gate-osv');
    const records = [
      {
        id: 'TEST-GATE-1',
        aliases: ['CVE-2099-0001'],
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        affected: [
          {
            package: { ecosystem: 'Alpine:v3.20', name: 'openssl' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.3.3-r0' }] }],
          },
        ],
      },
      {
        id: 'TEST-GATE-2',
        aliases: ['CVE-2099-0002'],
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
        affected: [
          {
            package: { ecosystem: 'Alpine:v3.20', name: 'busybox' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
          },
        ],
      },
    ];
    execFileSync('python3', [
      '-c',
      'import json,os,sys,zipfile\nd=sys.argv[1]; os.makedirs(d+"/Alpine", exist_ok=True)\nwith zipfile.ZipFile(d+"/Alpine/all.zip","w") as z:\n  for r in json.loads(sys.argv[2]): z.writestr(r["id"]+".json", json.dumps(r))',
      src,
      JSON.stringify(records),
    ]);
    const cache = join(work, 'gate-cache');
    const up = await runCli(['db', 'update', '--source', src, '--cache-dir', cache, '--quiet']);
    assert.equal(up.code, 0, up.stderr);
    const input = imageForms(images.cache, 'alpine-amd64').oci;
    const run = (extra: string[]) =>
      runCli([
        'image',
        '--input',
        input,
        '-f',
        'json',
        '--cache-dir',
        cache,
        '--skip-db-update',
        '--quiet',
        '--exit-code',
        '3',
        ...extra,
      ]);
    const fixedCritical = await run(['--severity', 'CRITICAL', '--ignore-unfixed']);
    assert.equal(fixedCritical.code, 3, fixedCritical.stderr);
    const onlyHighFixed = await run(['--severity', 'HIGH', '--ignore-unfixed']);
    assert.equal(onlyHighFixed.code, 0, 'the HIGH finding has no fix, so --ignore-unfixed leaves nothing');
    const high = await run(['--severity', 'HIGH']);
    assert.equal(high.code, 3);
    const low = await run(['--severity', 'LOW']);
    assert.equal(low.code, 0);
  },
);
