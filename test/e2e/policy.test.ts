/**
 * Acceptance (issue 20, "Where policies apply"): Rego policies given with
 * --policy run over a real scan of polyglot (a root user, critical findings);
 * the seed's second policy denies it unchanged, deny messages reach the
 * report and the exit code, a warn-only policy leaves exit 0, a policy that
 * does not parse fails before any database work, and a hostile policy stops
 * at its deadline with a message naming it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';
import { fixture } from '../support/paths.js';

const images = ensureImages(['polyglot']);
const db = ensureDb();
const dir = mkdtempSync(join(tmpdir(), 'customs-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function policy(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// The seed's second policy, unchanged (issue 20).
const SEED_SECURITY = `package container.security
default allow = false
allow { startswith(input.image, "registry.company.com/") }
deny { input.vulnerabilities[_].severity == "CRITICAL" }
deny { input.config.User == "root" }
deny { not input.hostConfig.ReadonlyRootfs }
`;

// The same checks written with messages, as Conftest users do, to see which fields of the input they read.
const WITH_MESSAGES = `package image.rules
import future.keywords.in
deny[msg] { input.runsAsRoot; input.config.User == ""; msg := "image runs as root (no USER)" }
deny[msg] { input.runsAsRoot; input.config.User != ""; msg := sprintf("image runs as root (USER %s)", [input.config.User]) }
violation[{"msg": msg, "severity": "CRITICAL"}] {
  some v in input.vulnerabilities
  v.severity == "CRITICAL"
  msg := sprintf("critical %s in %s %s", [v.id, v.pkg, v.installed])
}
warn[msg] { count(input.layers) > 0; msg := sprintf("%d layers", [count(input.layers)]) }
`;

const WARN_ONLY = `package image.advice
warn[msg] { count(input.packages) > 0; msg := sprintf("%d packages; consider a smaller base", [count(input.packages)]) }
`;

interface Mis {
  ID: string;
  Message: string;
  Severity: string;
  Status: string;
}
interface JsonReport {
  Results: { Type: string; Misconfigurations?: Mis[] }[];
  Gates?: { Gate: string; Count: number; Pass: boolean }[];
}

async function scan(
  extra: string[],
  scanners = 'vuln',
): Promise<{ code: number | null; report?: JsonReport; stderr: string }> {
  if ('skip' in images || 'skip' in db) throw new Error('skipped');
  const r = await runCli([
    'image',
    '--input',
    imageForms(images.cache, 'polyglot').dockerArchive,
    '--cache-dir',
    db.cacheDir,
    '--skip-db-update',
    '--no-cache',
    '--quiet',
    '--scanners',
    scanners,
    '-f',
    'json',
    ...extra,
  ]);
  return { code: r.code, stderr: r.stderr, report: r.stdout ? (JSON.parse(r.stdout) as JsonReport) : undefined };
}

function policyFindings(report: JsonReport | undefined): Mis[] {
  return (report?.Results ?? []).filter((r) => r.Type === 'rego').flatMap((r) => r.Misconfigurations ?? []);
}

describe('Rego policies on an image scan', () => {
  if ('skip' in images || 'skip' in db) {
    test('images and database', (t) => t.skip('skip' in images ? images.skip : (db as { skip: string }).skip));
    return;
  }

  test("the seed's policy, unchanged, denies polyglot: exit 1 and a failed policy gate", async () => {
    const r = await scan(['--policy', policy('security.rego', SEED_SECURITY)]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /policy denied the scan/);
    assert.deepEqual(r.report?.Gates, [{ Gate: 'policy', Limit: 0, Count: 1, Pass: false }]);
    const [f] = policyFindings(r.report);
    assert.equal(f?.ID, 'container.security.deny');
    assert.equal(f?.Message, 'data.container.security.deny is true');
  });

  test('deny and violation messages name the root user and each critical finding; warn is reported', async () => {
    const r = await scan(['--policy', policy('messages.rego', WITH_MESSAGES), '--exit-code', '3']);
    assert.equal(r.code, 3, r.stderr);
    const found = policyFindings(r.report);
    assert.ok(
      found.some((m) => m.ID === 'image.rules.deny' && m.Message === 'image runs as root (no USER)'),
      JSON.stringify(found),
    );
    const critical = found.filter((m) => m.ID === 'image.rules.violation');
    assert.ok(critical.length > 0, 'polyglot has critical findings');
    for (const c of critical) {
      assert.equal(c.Severity, 'CRITICAL');
      assert.match(c.Message, /^critical \S+ in \S+ \S+$/);
    }
    const warn = found.find((m) => m.ID === 'image.rules.warn');
    assert.match(warn?.Message ?? '', /^\d+ layers$/);
    assert.equal(warn?.Severity, 'LOW');
  });

  test('--namespace limits the packages evaluated', async () => {
    const r = await scan(
      [
        '--policy',
        policy('security.rego', SEED_SECURITY),
        '--policy',
        policy('warn.rego', WARN_ONLY),
        '--namespace',
        'image.advice',
      ],
      'none',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      policyFindings(r.report).map((m) => m.ID),
      ['image.advice.warn'],
    );
    const bad = await scan(['--policy', policy('warn.rego', WARN_ONLY), '--namespace', 'main'], 'none');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--namespace main: no deny, violation or warn rule in that package.*image\.advice/);
  });

  test('a warn-only policy passes with exit 0, even with --exit-code', async () => {
    const r = await scan(['--policy', policy('warn.rego', WARN_ONLY), '--exit-code', '5'], 'none');
    assert.equal(r.code, 0, r.stderr);
    const [w] = policyFindings(r.report);
    assert.match(w?.Message ?? '', /^\d+ packages; consider a smaller base$/);
    assert.deepEqual(r.report?.Gates, [{ Gate: 'policy', Limit: 0, Count: 0, Pass: true }]);
  });

  test('a policy that does not parse fails with file:line:column before any database work', async () => {
    if ('skip' in images) return;
    const cache = join(dir, 'empty-cache');
    const broken = policy('broken.rego', 'package broken\n\ndeny[msg] {\n  msg := \n}\n');
    const r = await runCli([
      'image',
      '--input',
      imageForms(images.cache, 'polyglot').dockerArchive,
      '--cache-dir',
      cache,
      '--db-source',
      join(dir, 'no-such-osv'),
      '--quiet',
      '--policy',
      broken,
    ]);
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: rego_parse_error`));
    assert.equal(existsSync(join(cache, 'db')), false, 'no database was built or looked for');
  });

  test('a hostile policy stops at its deadline with a message naming the rule', async () => {
    const hostile = policy(
      'hostile.rego',
      `package hostile
deny[msg] { a := numbers.range(1, 100000); b := numbers.range(1, 100000); a[_] == b[_] + 1000000; msg := "never" }
`,
    );
    const started = Date.now();
    const r = await scan(['--policy', hostile, '--policy-deadline', '1s'], 'none');
    assert.notEqual(r.code, 0);
    assert.ok(Date.now() - started < 60_000);
    assert.match(r.stderr, /policy data\.hostile\.deny: .*hostile\.rego:\d+:\d+: .*deadline of 1000 ms/);
  });
});

// The seed's first policy, unchanged (issue 20): it reads each workload container as {type: "Container", spec}.
const SEED_CONTAINER = `package container
deny[msg] { input.type == "Container"; not input.spec.securityContext.runAsNonRoot; msg = "Containers must not run as root" }
deny[msg] { input.type == "Container"; not input.spec.securityContext.readOnlyRootFilesystem; msg = "Root filesystem must be read-only" }
`;

const HARDENED_POD = `apiVersion: v1
kind: Pod
metadata: { name: hardened }
spec:
  containers:
    - name: app
      image: registry.company.com/app:1.0
      securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true }
`;

describe('Rego policies on customs config', () => {
  test("the seed's container policy denies the insecure Deployment, in JSON and SARIF", async () => {
    const seed = policy('container.rego', SEED_CONTAINER);
    const manifest = fixture('config', 'insecure-deployment.yaml');
    const json = await runCli(['config', manifest, '--policy', seed, '-f', 'json', '-q']);
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.deepEqual(
      policyFindings(report)
        .map((m) => m.Message)
        .sort(),
      ['Containers must not run as root', 'Root filesystem must be read-only'],
    );
    const sarif = await runCli(['config', manifest, '--policy', seed, '-f', 'sarif', '-q']);
    assert.equal(sarif.code, 1);
    const results = (
      JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; message: { text: string } }[] }[] }
    ).runs[0]!.results.filter((r) => r.ruleId === 'container.deny');
    assert.equal(results.length, 2);
  });

  test('a hardened Pod passes the seed policy with exit 0', async () => {
    const pod = policy('hardened-pod.yaml', HARDENED_POD);
    const r = await runCli(['config', pod, '--policy', policy('container.rego', SEED_CONTAINER), '-f', 'json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(policyFindings(JSON.parse(r.stdout) as JsonReport), []);
  });

  test('a Conftest Dockerfile policy reads the command list', async () => {
    const df = policy(
      'dockerfile.rego',
      `package main
deny[msg] { input[i].Cmd == "from"; val := input[i].Value; endswith(val[0], ":latest"); msg := sprintf("line %d: %s is not pinned", [input[i].StartLine, val[0]]) }
`,
    );
    const r = await runCli(['config', fixture('config', 'docker-bad'), '--policy', df, '-f', 'json', '-q']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      policyFindings(JSON.parse(r.stdout) as JsonReport).map((m) => m.Message),
      ['line 1: node:latest is not pinned'],
    );
  });
});
