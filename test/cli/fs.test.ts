/**
 * `customs fs DIR` on a project directory built here: lockfiles (npm with a
 * dev dependency, pip), a Dockerfile, a `.env` with a secret, .gitignored
 * files with secrets, and links out of the tree. Acceptance for issue 17
 * item 5: the lockfile findings, the Dockerfile misconfiguration and the
 * .env secret are reported, nothing ignored, skipped or outside the tree is,
 * and no image-config check fires on a directory.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { fixture } from '../support/paths.js';
import { reportValidator } from '../support/schema.js';

const db = ensureDb();
const skip = 'skip' in db ? db.skip : false;
const work = mkdtempSync(join(tmpdir(), 'customs-fs-'));
const proj = join(work, 'proj');
after(() => rmSync(work, { recursive: true, force: true }));

// GitHub token shapes (ghp_ + 36 characters), made up for the test.
const ENV_TOKEN = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const IGNORED_TOKEN = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';
const OUTSIDE_TOKEN = 'ghp_' + 'Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8';

before(() => {
  mkdirSync(join(proj, 'build'), { recursive: true });
  mkdirSync(join(proj, 'services', 'api'), { recursive: true });
  // npm lockfile v3: lodash 4.17.4 (NSWG-ECO-368 and -493 in ../shared/osv, reported by their CVEs), jquery 1.8.0 dev-only.
  writeFileSync(
    join(proj, 'package-lock.json'),
    JSON.stringify({
      name: 'demo',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': {
          name: 'demo',
          version: '1.0.0',
          dependencies: { lodash: '4.17.4' },
          devDependencies: { jquery: '1.8.0' },
        },
        'node_modules/lodash': { version: '4.17.4', license: 'MIT' },
        'node_modules/jquery': { version: '1.8.0', dev: true, license: 'MIT' },
      },
    }),
  );
  writeFileSync(join(proj, 'requirements.txt'), 'requests==2.19.0\n');
  writeFileSync(join(proj, 'Dockerfile'), 'FROM node:18\nCOPY . /app\nRUN npm ci\nCMD ["node", "/app/index.js"]\n');
  writeFileSync(join(proj, '.env'), `GITHUB_TOKEN=${ENV_TOKEN}\n`);
  writeFileSync(join(proj, '.gitignore'), 'build/\n*.log\n');
  writeFileSync(join(proj, 'build', 'creds.txt'), `token=${IGNORED_TOKEN}\n`);
  writeFileSync(join(proj, 'debug.log'), `token=${IGNORED_TOKEN}\n`);
  writeFileSync(join(proj, 'services', 'api', 'requirements.txt'), 'requests==2.19.0\n');
  // Links out of the tree: a host file, a directory with a secret, and a loop.
  const outside = join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secrets.env'), `TOKEN=${OUTSIDE_TOKEN}\n`);
  symlinkSync(join(outside, 'secrets.env'), join(proj, 'linked.env'));
  symlinkSync(outside, join(proj, 'linked-dir'));
  symlinkSync('/etc/shadow', join(proj, 'shadow'));
  symlinkSync('.', join(proj, 'loop'));
  execFileSync('mkfifo', [join(proj, 'pipe.env')]);
});

interface Json {
  ArtifactName: string;
  ArtifactType: string;
  Metadata: Record<string, unknown>;
  Results?: {
    Target: string;
    Class: string;
    Type?: string;
    Packages?: { Name: string; Dev?: boolean }[];
    Vulnerabilities?: { VulnerabilityID: string; PkgName: string }[];
    Secrets?: { RuleID: string; Match: string }[];
    Misconfigurations?: { ID: string }[];
  }[];
}

async function fs(args: string[]): Promise<{ json: Json; stdout: string; stderr: string }> {
  if ('skip' in db) throw new Error(db.skip);
  const r = await runCli(['fs', proj, '--cache-dir', db.cacheDir, '--skip-db-update', '-f', 'json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return { json: JSON.parse(r.stdout) as Json, stdout: r.stdout, stderr: r.stderr };
}

const targets = (j: Json, cls: string): string[] =>
  (j.Results ?? []).filter((r) => r.Class === cls).map((r) => r.Target);

test(
  'fs: lockfile findings, the Dockerfile misconfiguration and the .env secret; nothing ignored or outside',
  { skip },
  async () => {
    const { json, stdout } = await fs(['--scanners', 'vuln,secret,misconfig']);
    assert.equal(json.ArtifactName, proj);
    assert.equal(json.ArtifactType, 'filesystem');
    const validate = reportValidator();
    assert.ok(validate(json), JSON.stringify(validate.errors));
    assert.equal(json.Metadata['ImageConfig'], undefined, 'a directory has no image config');

    assert.deepEqual(targets(json, 'lang-pkgs').sort(), [
      'package-lock.json',
      'requirements.txt',
      'services/api/requirements.txt',
    ]);
    const npm = json.Results!.find((r) => r.Target === 'package-lock.json')!;
    assert.deepEqual(npm.Vulnerabilities!.map((v) => v.VulnerabilityID).sort(), ['CVE-2018-16487', 'CVE-2018-3721']);
    assert.ok(!npm.Vulnerabilities!.some((v) => v.PkgName === 'jquery'), 'dev-only entries left out by default');
    const pip = json.Results!.find((r) => r.Target === 'requirements.txt')!;
    assert.ok(pip.Vulnerabilities!.some((v) => v.VulnerabilityID === 'CVE-2018-18074'));

    assert.deepEqual(targets(json, 'secret'), ['.env']);
    assert.ok(!stdout.includes(ENV_TOKEN), 'the secret is masked');
    assert.ok(
      !stdout.includes(IGNORED_TOKEN.slice(4)) && !stdout.includes('creds.txt') && !stdout.includes('debug.log'),
    );
    assert.ok(
      !stdout.includes('linked') && !stdout.includes(OUTSIDE_TOKEN.slice(4)),
      'no link out of the tree was read',
    );

    const config = json.Results!.filter((r) => r.Class === 'config');
    assert.deepEqual(
      config.map((r) => [r.Target, r.Type]),
      [['Dockerfile', 'dockerfile']],
    );
    assert.ok(
      config[0]!.Misconfigurations!.some((m) => m.ID === 'CUS-DF-001'),
      'runs as root: no USER',
    );
    assert.ok(!stdout.includes('CUS-IMG-') && !stdout.includes('image config'), 'no image-config check on a directory');
  },
);

test('fs: --include-dev-deps adds the dev dependency; default scanners are vuln,secret', { skip }, async () => {
  const { json } = await fs(['--include-dev-deps']);
  const npm = json.Results!.find((r) => r.Target === 'package-lock.json')!;
  assert.ok(npm.Vulnerabilities!.some((v) => v.PkgName === 'jquery'));
  assert.deepEqual(targets(json, 'secret'), ['.env'], 'secrets by default, as Trivy fs');
  assert.deepEqual(targets(json, 'config'), [], 'misconfig only when asked');
});

test('fs: --skip-dirs / --skip-files keep paths out (globs, repeatable, comma-separated)', { skip }, async () => {
  const { json } = await fs([
    '--scanners',
    'vuln,secret,misconfig',
    '--skip-files',
    '**/.env,Dockerfile',
    '--skip-dirs',
    'services',
  ]);
  assert.deepEqual(targets(json, 'secret'), []);
  assert.deepEqual(targets(json, 'config'), []);
  assert.deepEqual(targets(json, 'lang-pkgs').sort(), ['package-lock.json', 'requirements.txt']);
  const glob = await fs(['--skip-files', '**/requirements.txt']);
  assert.deepEqual(targets(glob.json, 'lang-pkgs'), ['package-lock.json']);
});

test('filesystem alias, one lockfile as the target, table output, a missing path fails early', { skip }, async () => {
  if ('skip' in db) return;
  const one = await runCli([
    'filesystem',
    join(proj, 'requirements.txt'),
    '--cache-dir',
    db.cacheDir,
    '--skip-db-update',
    '-f',
    'json',
  ]);
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(
    (JSON.parse(one.stdout) as Json).Results!.map((r) => r.Target),
    ['requirements.txt'],
  );
  const table = await runCli([
    'fs',
    proj,
    '--cache-dir',
    db.cacheDir,
    '--skip-db-update',
    '--scanners',
    'vuln,misconfig',
  ]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /Dockerfile \(dockerfile\)/);
  assert.match(table.stdout, /package-lock\.json \(npm\)/);
  const missing = await runCli(['fs', join(work, 'nope'), '--cache-dir', join(work, 'no-cache'), '--skip-db-update']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope: no such file or directory/);
  const badGlob = await runCli(['fs', proj, '--skip-files', 'a/[bc', '--cache-dir', join(work, 'no-cache')]);
  assert.equal(badGlob.code, 1);
  assert.match(badGlob.stderr, /skip pattern "a\/\[bc": unclosed \[/);
  assert.equal(existsSync(join(work, 'no-cache')), false, 'refused before any database work');
});

test(
  'rootfs keeps OS packages and symlinks as before, and reports no image-config check either',
  { skip },
  async () => {
    if ('skip' in db) return;
    const r = await runCli([
      'rootfs',
      proj,
      '--cache-dir',
      db.cacheDir,
      '--skip-db-update',
      '--scanners',
      'misconfig',
      '-f',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('CUS-IMG-'));
    const json = JSON.parse(r.stdout) as Json;
    assert.deepEqual(targets(json, 'config'), ['Dockerfile']);
  },
);

test('fs on a directory that is a root filesystem still reports its OS packages', { skip }, async () => {
  if ('skip' in db) return;
  const root = join(work, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  copyFileSync(fixture('os', 'release', 'debian-bookworm.os-release'), join(root, 'etc/os-release'));
  copyFileSync(fixture('os', 'dpkg', 'status'), join(root, 'var/lib/dpkg/status'));
  const r = await runCli(['fs', root, '--cache-dir', db.cacheDir, '--skip-db-update', '--list-all-pkgs', '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as Json & { Metadata: { OS?: { Family: string } } };
  assert.equal(json.Metadata.OS?.Family, 'debian');
  const os = json.Results!.find((x) => x.Class === 'os-pkgs');
  assert.equal(os?.Packages?.length, 88);
});
