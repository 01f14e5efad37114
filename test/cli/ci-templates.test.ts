/**
 * Issue 17 item 9: the GitHub Action takes every trivy-action input and the
 * GitLab template GitLab's Container-Scanning variables, each reaching a
 * customs flag or variable. Besides reading the YAML, each script is run
 * for real with bash, `customs` on PATH being `customs config-dump`: the
 * dump says what each option became and where it came from.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { parse } from 'yaml';
import { registerScanCommands } from '../../src/cli/commands/scan.js';
import { registerSbom } from '../../src/cli/commands/sbom.js';
import { UNSUPPORTED_TRIVY_OPTIONS } from '../../src/cli/trivy-names.js';
import { cliPath, repoRoot } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'customs-ci-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** aquasecurity/trivy-action's inputs that pipelines set. */
const TRIVY_ACTION_INPUTS = [
  'scan-type',
  'scan-ref',
  'image-ref',
  'input',
  'format',
  'output',
  'exit-code',
  'ignore-unfixed',
  'vuln-type',
  'severity',
  'trivyignores',
  'trivy-config',
  'timeout',
  'hide-progress',
  'limit-severities-for-sarif',
  'skip-dirs',
  'skip-files',
  'scanners',
  'template',
  'cache-dir',
];

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
};
const scanStep = action.runs.steps.find((s) => s.name === 'scan')!;

/** Every long flag of customs' scan commands. */
function scanFlags(): Set<string> {
  const program = new Command('customs');
  registerScanCommands(program);
  registerSbom(program);
  return new Set(program.commands.flatMap((c) => c.options.map((o) => o.long?.slice(2) ?? '')));
}

const flagOfVariable = (name: string): string | undefined => {
  const m = /^(?:CUSTOMS|TRIVY)_([A-Z_]+)$/.exec(name);
  return m ? m[1]!.toLowerCase().replace(/_/g, '-') : undefined;
};

test('every trivy-action input reaches a customs flag variable, or the script that uses it', () => {
  const flags = scanFlags();
  const env = scanStep.env ?? {};
  for (const input of TRIVY_ACTION_INPUTS) {
    assert.ok(input in action.inputs, `action.yml lacks the input ${input}`);
    const vars = Object.entries(env).filter(([, v]) => v === `\${{ inputs.${input} }}`);
    assert.equal(vars.length, 1, `${input} is passed to the scan step once`);
    const [name] = vars[0]!;
    const flag = flagOfVariable(name);
    if (flag !== undefined && name !== 'TRIVYIGNORES')
      assert.ok(
        flags.has(flag) || UNSUPPORTED_TRIVY_OPTIONS.has(flag),
        `${name} names no customs flag (and no Trivy option customs rejects by name)`,
      );
    else assert.match(scanStep.run!, new RegExp(`\\$${name}\\b|"\\$${name}"`), `${name} is used by the script`);
  }
});

test('the action installs a published tarball, and npm pack makes one that holds the CLI', () => {
  const script = action.runs.steps.map((s) => s.run ?? '').join('\n');
  assert.doesNotMatch(script, /npm ci\b/);
  assert.match(script, /npm install --global --prefix "\$prefix" .*"\$tarball"/);
  assert.ok('customs-tarball' in action.inputs);
  const listing = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' }),
  ) as { files: { path: string }[] }[];
  const files = listing[0]!.files.map((f) => f.path);
  for (const f of ['bin/customs', 'package.json', 'dist/src/index.js'])
    assert.ok(files.includes(f), `${f} in the tarball`);
  assert.ok(
    files.some((f) => f.startsWith('dist/bundle/')),
    'the bundled CLI in the tarball',
  );
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'no sources in the tarball');
});

/** A PATH whose `customs` prints what the real CLI would resolve, instead of scanning. */
function stubPath(): string {
  const bin = mkdtempSync(join(dir, 'bin-'));
  const stub = join(bin, 'customs');
  writeFileSync(stub, `#!/bin/sh\necho "== customs $*"\nexec "${process.execPath}" "${cliPath}" config-dump "$@"\n`);
  chmodSync(stub, 0o755);
  return `${bin}:${process.env['PATH'] ?? ''}`;
}

/** The env of the action's scan step with these inputs (defaults for the rest), as GitHub expands it. */
function stepEnv(inputs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(scanStep.env ?? {}))
    out[name] = value.replace(
      /\$\{\{ inputs\.([\w-]+) \}\}/g,
      (_, k: string) => inputs[k] ?? action.inputs[k]?.default ?? '',
    );
  return out;
}

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(CUSTOMS|TRIVY)_/.test(k)) env[k] = v;
  return env;
}

function runBash(script: string, env: Record<string, string>, cwd: string): { code: number; out: string; err: string } {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    env: { ...cleanEnv(), ...env, PATH: stubPath() },
    cwd,
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const line = (dump: string, flag: string): string =>
  dump.split('\n').find((l) => l.trim().startsWith(`${flag} `)) ?? `(no ${flag} line)`;

test('the action script: inputs become customs options with trivy-action semantics', () => {
  const cwd = mkdtempSync(join(dir, 'ws-'));
  writeFileSync(join(cwd, 'a.trivyignore'), 'CVE-2024-0001\n');
  writeFileSync(join(cwd, 'b.trivyignore'), 'CVE-2024-0002');
  writeFileSync(join(cwd, 'trivy.yaml'), 'scan:\n  offline: true\n');
  const runnerTemp = mkdtempSync(join(dir, 'tmp-'));
  const inputs = {
    'image-ref': 'ghcr.io/org/app:1',
    format: 'sarif',
    output: 'customs.sarif',
    'exit-code': '3',
    'ignore-unfixed': 'true',
    'vuln-type': 'os',
    severity: 'CRITICAL',
    trivyignores: 'a.trivyignore, b.trivyignore',
    'trivy-config': 'trivy.yaml',
    timeout: '7m',
    'hide-progress': 'true',
    scanners: 'vuln,secret',
    'cache-dir': join(cwd, 'cache'),
  };
  const r = runBash(scanStep.run!, { ...stepEnv(inputs), RUNNER_TEMP: runnerTemp }, cwd);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^== customs image ghcr\.io\/org\/app:1$/m);
  assert.match(line(r.out, '--format'), /sarif\s+CUSTOMS_FORMAT$/);
  assert.match(line(r.out, '--output'), /customs\.sarif\s+CUSTOMS_OUTPUT$/);
  assert.match(line(r.out, '--exit-code'), /3\s+CUSTOMS_EXIT_CODE$/);
  assert.match(line(r.out, '--ignore-unfixed'), /true\s+CUSTOMS_IGNORE_UNFIXED$/);
  assert.match(line(r.out, '--vuln-type'), /os\s+CUSTOMS_VULN_TYPE$/);
  // SARIF lists every severity unless limit-severities-for-sarif, as trivy-action does.
  assert.match(line(r.out, '--severity'), /UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL\s+default$/);
  assert.match(line(r.out, '--timeout'), /7m\s+CUSTOMS_TIMEOUT$/);
  assert.match(line(r.out, '--no-progress'), /true\s+CUSTOMS_NO_PROGRESS$/);
  assert.match(line(r.out, '--scanners'), /vuln,secret\s+CUSTOMS_SCANNERS$/);
  assert.match(line(r.out, '--cache-dir'), /CUSTOMS_CACHE_DIR$/);
  assert.match(line(r.out, '--config'), /trivy\.yaml\s+CUSTOMS_CONFIG$/);
  assert.match(line(r.out, '--offline-scan'), /true\s+trivy\.yaml: scan\.offline$/);
  assert.match(line(r.out, '--ignorefile'), /CUSTOMS_IGNOREFILE$/);
  assert.equal(
    readFileSync(join(runnerTemp, 'customs.trivyignore'), 'utf8'),
    'CVE-2024-0001\n\nCVE-2024-0002\n',
    'both ignore files, joined',
  );

  const limited = runBash(
    scanStep.run!,
    { ...stepEnv({ ...inputs, trivyignores: '', 'limit-severities-for-sarif': 'true' }), RUNNER_TEMP: runnerTemp },
    cwd,
  );
  assert.match(line(limited.out, '--severity'), /CRITICAL\s+CUSTOMS_SEVERITY$/);

  const fs = runBash(
    scanStep.run!,
    { ...stepEnv({ 'scan-type': 'rootfs', 'scan-ref': cwd, input: 'ignored.tar' }), RUNNER_TEMP: runnerTemp },
    cwd,
  );
  assert.equal(fs.code, 0, fs.err);
  assert.match(fs.out, new RegExp(`^== customs rootfs ${cwd}$`, 'm'));

  // `customs config` reads the variables too, so scan-type config keeps format and exit code.
  const config = runBash(
    scanStep.run!,
    { ...stepEnv({ 'scan-type': 'config', format: 'sarif', 'exit-code': '2' }), RUNNER_TEMP: runnerTemp },
    cwd,
  );
  assert.equal(config.code, 0, config.err);
  assert.match(line(config.out, '--format'), /sarif\s+CUSTOMS_FORMAT$/);
  assert.match(line(config.out, '--exit-code'), /2\s+CUSTOMS_EXIT_CODE$/);
});

test('skip-dirs reaches --skip-dirs, or stops with an error naming it where customs lacks the option', () => {
  const cwd = mkdtempSync(join(dir, 'ws-'));
  const r = runBash(
    scanStep.run!,
    { ...stepEnv({ 'image-ref': 'app:1', 'skip-dirs': 'vendor' }), RUNNER_TEMP: cwd },
    cwd,
  );
  if (scanFlags().has('skip-dirs')) assert.match(line(r.out, '--skip-dirs'), /vendor\s+TRIVY_SKIP_DIRS$/);
  else {
    assert.notEqual(r.code, 0);
    assert.match(r.err, /TRIVY_SKIP_DIRS: customs does not support Trivy's --skip-dirs/);
  }
});

/** GitLab's Container-Scanning variables the template honours or refuses by name. */
const GITLAB_VARIABLES = [
  'CS_IMAGE',
  'CS_SEVERITY_THRESHOLD',
  'CS_IGNORE_UNFIXED',
  'CS_REGISTRY_USER',
  'CS_REGISTRY_PASSWORD',
  'CS_REGISTRY_INSECURE',
  'CS_DOCKER_INSECURE',
  'CS_DISABLE_LANGUAGE_VULNERABILITY_SCAN',
  'CS_QUIET',
  'CS_IGNORE_STATUSES',
  'SECURE_LOG_LEVEL',
];

interface GitlabJob {
  variables: Record<string, string>;
  before_script: string[];
  script: string[];
  artifacts: { reports: { container_scanning: string } };
}
const gitlab = parse(readFileSync(join(repoRoot, 'ci', 'gitlab-customs.yml'), 'utf8')) as Record<string, GitlabJob>;
const job = gitlab['customs_container_scanning']!;

test("the GitLab template: GitLab's container-scanning variables, a published tarball, the gitlab report", () => {
  const script = job.script.join('\n');
  for (const v of GITLAB_VARIABLES) {
    assert.ok(v in job.variables, `${v} has a default in variables`);
    assert.match(script, new RegExp(`\\$${v}\\b`), `${v} is used by the script`);
  }
  assert.doesNotMatch([...job.before_script, ...job.script].join('\n'), /npm ci\b|git clone/);
  assert.match(job.before_script.join('\n'), /npm install --global .*CUSTOMS_TARBALL/);
  assert.equal(job.artifacts.reports.container_scanning, 'gl-container-scanning-report.json');

  const cwd = mkdtempSync(join(dir, 'gl-'));
  mkdirSync(join(cwd, 'ws'));
  const vars = {
    ...job.variables,
    CS_IMAGE: 'registry.example/app:1',
    CS_SEVERITY_THRESHOLD: 'high',
    CS_IGNORE_UNFIXED: 'true',
    CS_REGISTRY_INSECURE: 'true',
    CUSTOMS_CACHE_DIR: join(cwd, 'cache'),
  };
  const r = runBash(script, vars, join(cwd, 'ws'));
  assert.equal(r.code, 0, r.err);
  const [report, gate] = r.out.split(/^== /m).filter(Boolean);
  assert.match(
    report!,
    /^customs image registry\.example\/app:1 .*--format gitlab --output gl-container-scanning-report\.json/,
  );
  assert.match(line(report!, '--severity'), /HIGH,CRITICAL\s+flag$/);
  assert.match(line(report!, '--ignore-unfixed'), /true\s+flag$/);
  assert.match(line(report!, '--pkg-types'), /--pkg-types\s+os\s+flag$/);
  assert.match(line(report!, '--insecure'), /true\s+flag$/);
  assert.match(line(gate!, '--exit-code'), /1\s+flag$/);
  assert.match(line(gate!, '--severity'), /HIGH,CRITICAL\s+flag$/);

  const refused = runBash(script, { ...vars, CS_IGNORE_STATUSES: 'fixed' }, join(cwd, 'ws'));
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /CS_IGNORE_STATUSES is not supported/);
});
