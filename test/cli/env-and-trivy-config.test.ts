/**
 * Issue 17 item 1: every scan flag from CUSTOMS_* and Trivy's TRIVY_*, and
 * Trivy's nested trivy.yaml, with one precedence: flag > CUSTOMS_* > TRIVY_*
 * > config file > default. The first half resolves flags through the real
 * commander command without scanning; the second drives the real CLI on a
 * two-package image made here, where the gate must fail as the pipeline
 * meant it to.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { addScanFlags } from '../../src/cli/scan-flags.js';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { writeSmallBookwormImage } from '../support/small-image.js';

/** Resolves the scan flags of an `image`-like command in `dir` with `env` added to the environment. */
async function resolveIn(
  files: Record<string, string>,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ opts: Record<string, unknown>; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'customs-env-'));
  const cmd = addScanFlags(new Command('image').exitOverride().option('--input <path>').option('--username <u>'));
  cmd.action(() => {});
  const cwd = process.cwd();
  const saved = { ...process.env };
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = (chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  };
  try {
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    for (const k of Object.keys(process.env)) if (/^(CUSTOMS|TRIVY)_/.test(k)) delete process.env[k];
    Object.assign(process.env, env);
    process.chdir(dir);
    await cmd.parseAsync(args, { from: 'user' });
  } finally {
    process.chdir(cwd);
    process.env = saved;
    process.stderr.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
  return { opts: cmd.opts(), stderr };
}

test('precedence: flag > CUSTOMS_* > TRIVY_* > config file > default', async () => {
  const { opts } = await resolveIn(
    { 'customs.yaml': 'severity: LOW\nexit-code: 5\nformat: json\nignore-unfixed: true\npkg-types: os\n' },
    {
      CUSTOMS_SEVERITY: 'CRITICAL',
      TRIVY_SEVERITY: 'HIGH',
      TRIVY_EXIT_CODE: '4',
      CUSTOMS_FORMAT: 'sarif',
      TRIVY_FORMAT: 'cyclonedx',
    },
    ['--format', 'table'],
  );
  assert.equal(opts['format'], 'table', 'the command line wins');
  assert.equal(opts['severity'], 'CRITICAL', 'CUSTOMS_* wins over TRIVY_*');
  assert.equal(opts['exitCode'], '4', 'TRIVY_* wins over the config file');
  assert.equal(opts['ignoreUnfixed'], true, 'the config file wins over the default');
  assert.equal(opts['pkgTypes'], 'os');
  assert.equal(opts['parallel'], '2', 'the default when nothing sets it');
});

test('booleans take true/false/1/0; empty variables count as unset; lists split on commas', async () => {
  const { opts } = await resolveIn(
    { 'customs.yaml': 'severity: HIGH\n' },
    {
      CUSTOMS_IGNORE_UNFIXED: '1',
      TRIVY_QUIET: 'TRUE',
      CUSTOMS_SKIP_DB_UPDATE: '0',
      TRIVY_SKIP_DB_UPDATE: 'true',
      CUSTOMS_NO_CACHE: 'true',
      CUSTOMS_SEVERITY: '',
      CUSTOMS_DB_SOURCE: '/a, /b',
      CUSTOMS_CACHE_DIR: '/tmp/c',
      TRIVY_OUTPUT: 'report.json',
    },
  );
  assert.equal(opts['ignoreUnfixed'], true);
  assert.equal(opts['quiet'], true);
  assert.equal(opts['skipDbUpdate'], false, 'CUSTOMS_SKIP_DB_UPDATE=0 wins over TRIVY_SKIP_DB_UPDATE=true');
  assert.equal(opts['cache'], false, 'CUSTOMS_NO_CACHE negates --cache');
  assert.equal(opts['severity'], 'HIGH', 'an empty CUSTOMS_SEVERITY leaves the config file in charge');
  assert.deepEqual(opts['dbSource'], ['/a', '/b']);
  assert.equal(opts['cacheDir'], '/tmp/c');
  assert.equal(opts['output'], 'report.json');
});

test('bad values and unsupported Trivy options are errors naming the variable', async () => {
  await assert.rejects(resolveIn({}, { CUSTOMS_QUIET: 'yes' }), /CUSTOMS_QUIET: expected true, false, 1 or 0/);
  await assert.rejects(resolveIn({}, { TRIVY_FORMAT: 'xml' }), /TRIVY_FORMAT: "xml" is not one of table, json/);
  await assert.rejects(
    resolveIn({}, { TRIVY_REMOVED_PKGS: 'true' }),
    /TRIVY_REMOVED_PKGS: customs does not support Trivy's --removed-pkgs/,
  );
});

test('skip-dirs and skip-files from TRIVY_* (comma-separated) and trivy.yaml (lists)', async () => {
  const env = await resolveIn({}, { TRIVY_SKIP_DIRS: 'node_modules,**/test', TRIVY_SKIP_FILES: '*.md' });
  assert.deepEqual(env.opts['skipDirs'], ['node_modules', '**/test']);
  assert.deepEqual(env.opts['skipFiles'], ['*.md']);
  const file = await resolveIn({ 'trivy.yaml': 'scan:\n  skip-dirs: [vendor, "**/fixtures"]\n' }, {});
  assert.deepEqual(file.opts['skipDirs'], ['vendor', '**/fixtures']);
  const flags = await resolveIn({}, {}, ['--skip-dirs', 'a,b', '--skip-dirs', 'c']);
  assert.deepEqual(flags.opts['skipDirs'], ['a', 'b', 'c']);
});

test('other TRIVY_* variables warn by name; credentials and empty ones stay quiet', async () => {
  const { stderr } = await resolveIn(
    {},
    { TRIVY_VERSION: '0.44.1', TRIVY_DB_REPOSITORY: 'mirror.example/trivy-db', TRIVY_USERNAME: 'me', TRIVY_SERVER: '' },
  );
  assert.match(stderr, /WARN\tTRIVY_VERSION: not an option of customs image; ignored/);
  assert.match(stderr, /WARN\tTRIVY_DB_REPOSITORY: Trivy's --db-repository has no effect in customs/);
  assert.doesNotMatch(stderr, /USERNAME|SERVER/);
  const quiet = await resolveIn({}, { TRIVY_VERSION: '0.44.1', CUSTOMS_QUIET: '1' });
  assert.equal(quiet.stderr, '', 'quiet from the environment silences the warnings');
});

const TRIVY_YAML = `# Trivy's documented layout
severity:
  - HIGH
  - CRITICAL
exit-code: 3
format: json
output: out.json
timeout: 5m
quiet: true
scan:
  scanners: [vuln, secret]
vulnerability:
  type: [os]
  ignore-unfixed: true
cache:
  dir: /tmp/trivy-cache
db:
  skip-update: true
`;

test("--config trivy.yaml reads Trivy's nested keys", async () => {
  const { opts } = await resolveIn({ 'ci.yaml': TRIVY_YAML }, {}, ['--config', 'ci.yaml']);
  assert.equal(opts['severity'], 'HIGH,CRITICAL');
  assert.equal(opts['exitCode'], '3');
  assert.equal(opts['format'], 'json');
  assert.equal(opts['output'], 'out.json');
  assert.equal(opts['timeout'], '5m');
  assert.equal(opts['quiet'], true);
  assert.equal(opts['scanners'], 'vuln,secret');
  assert.equal(opts['vulnType'], 'os');
  assert.equal(opts['ignoreUnfixed'], true);
  assert.equal(opts['cacheDir'], '/tmp/trivy-cache');
  assert.equal(opts['skipDbUpdate'], true);
});

test('an implicit trivy.yaml keeps the allowlist; customs.yaml is preferred when both exist', async () => {
  const { opts, stderr } = await resolveIn({ 'trivy.yaml': TRIVY_YAML.replace('quiet: true\n', '') }, {});
  assert.equal(opts['exitCode'], '3');
  assert.equal(opts['ignoreUnfixed'], true);
  assert.equal(opts['output'], undefined);
  assert.equal(opts['cacheDir'], undefined);
  assert.match(stderr, /WARN\ttrivy\.yaml: found in the working directory, so output, cache\.dir were ignored/);
  const both = await resolveIn({ 'trivy.yaml': 'exit-code: 3\n', 'customs.yaml': 'exit-code: 7\n' }, {});
  assert.equal(both.opts['exitCode'], '7');
});

test("a trivy.yaml key for another command's flag is a warning, not an error", async () => {
  const cmd = addScanFlags(new Command('sbom').exitOverride());
  cmd.action(() => {});
  const dir = mkdtempSync(join(tmpdir(), 'customs-env-'));
  const cwd = process.cwd();
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = (chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  };
  try {
    writeFileSync(join(dir, 'trivy.yaml'), 'image:\n  platform: linux/arm64\nexit-code: 2\n');
    process.chdir(dir);
    await cmd.parseAsync([], { from: 'user' });
  } finally {
    process.chdir(cwd);
    process.stderr.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(cmd.opts()['exitCode'], '2');
  assert.match(stderr, /WARN\ttrivy\.yaml: "image\.platform" does not apply to customs sbom; ignored/);
});

test('unknown and unsupported trivy.yaml keys are errors naming the key', async () => {
  await assert.rejects(
    resolveIn({ 'trivy.yaml': 'scan:\n  scaners: [vuln]\n' }, {}),
    /trivy\.yaml: unknown key "scan\.scaners"/,
  );
  await assert.rejects(
    resolveIn({ 'trivy.yaml': 'scan:\n  file-patterns: [x]\n' }, {}),
    /trivy\.yaml: customs does not support Trivy's "scan\.file-patterns"/,
  );
});

test('TRIVY_EXIT_CODE=3 TRIVY_SEVERITY=CRITICAL fails the gate on a CRITICAL finding; CUSTOMS_* and flags override', async (t) => {
  const db = ensureDb();
  if ('skip' in db) return t.skip(db.skip);
  const dir = mkdtempSync(join(tmpdir(), 'customs-env-cli-'));
  try {
    const image = writeSmallBookwormImage(dir);
    const base = { CUSTOMS_CACHE_DIR: db.cacheDir, TRIVY_SKIP_DB_UPDATE: 'true', TRIVY_QUIET: 'true' };
    const report = join(dir, 'report.json');
    const gated = await runCli(['image', '--input', image], {
      cwd: dir,
      env: { ...base, TRIVY_EXIT_CODE: '3', TRIVY_SEVERITY: 'CRITICAL', TRIVY_FORMAT: 'json', TRIVY_OUTPUT: report },
    });
    assert.equal(gated.code, 3, gated.stderr);
    const sevs = (
      JSON.parse(readFileSync(report, 'utf8')) as { Results?: { Vulnerabilities?: { Severity: string }[] }[] }
    ).Results?.flatMap((r) => (r.Vulnerabilities ?? []).map((v) => v.Severity));
    assert.ok(sevs && sevs.length > 0, 'the image has CRITICAL findings');
    assert.deepEqual([...new Set(sevs)], ['CRITICAL'], 'TRIVY_SEVERITY filtered the report');

    const customsWins = await runCli(['image', '--input', image, '-f', 'json'], {
      cwd: dir,
      env: { ...base, TRIVY_EXIT_CODE: '3', CUSTOMS_EXIT_CODE: '0', TRIVY_SEVERITY: 'CRITICAL' },
    });
    assert.equal(customsWins.code, 0, customsWins.stderr);
    const flagWins = await runCli(['image', '--input', image, '-f', 'json', '--exit-code', '0'], {
      cwd: dir,
      env: { ...base, CUSTOMS_EXIT_CODE: '3' },
    });
    assert.equal(flagWins.code, 0, flagWins.stderr);

    writeFileSync(join(dir, 'trivy.yaml'), 'exit-code: 5\nseverity: CRITICAL\nformat: json\n');
    const fromYaml = await runCli(['image', '--input', image], { cwd: dir, env: base });
    assert.equal(fromYaml.code, 5, fromYaml.stderr);
    assert.ok(!existsSync(join(dir, 'json')), 'no stray file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
