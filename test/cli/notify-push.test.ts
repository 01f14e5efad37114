/**
 * The CLI side of notifications and hand-offs, through bin/customs: a
 * CI-style run sends the scan's events to a loopback Slack; with the
 * receiver down the delivery waits in the outbox and `customs notify flush`
 * delivers it once it is back; a rerun sends nothing twice; secrets never
 * reach stdout or stderr; the sending sections come only from --config.
 * (The secret scanner needs no vulnerability database, so no DB is built.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { Receiver } from '../support/http-receiver.js';

const HOOK = '/services/T0/B0/cli-hook-secret-77';
const TOKEN = 'ghp_R8kX2mQ9vL4nT7wZ1pY6sH3jB5cF0dG8aE2u';
const slack = new Receiver((req, res) =>
  res.writeHead(req.path === HOOK ? 200 : 404).end(req.path === HOOK ? 'ok' : 'no_service'),
);
let dir: string;
let env: Record<string, string>;

before(async () => {
  await slack.up();
  dir = mkdtempSync(join(tmpdir(), 'customs-cli-notify-'));
  mkdirSync(join(dir, 'root', 'app'), { recursive: true });
  writeFileSync(join(dir, 'root', 'app', '.env'), `GITHUB_TOKEN=${TOKEN}\n`);
  writeFileSync(
    join(dir, 'notify.yaml'),
    'notifications:\n  channels:\n    slack: { channel: security-alerts, triggers: [new_critical_vulnerability, critical_security_event, scan_failed] }\n',
  );
  env = { CUSTOMS_SLACK_WEBHOOK_URL: `${slack.url}${HOOK}`, CUSTOMS_CACHE_DIR: join(dir, 'cache') };
});
after(async () => {
  await slack.down();
  rmSync(dir, { recursive: true, force: true });
});

const scan = (...extra: string[]) =>
  runCli(
    ['rootfs', 'root', '--scanners', 'secret', '-f', 'json', '-o', 'out.json', '--config', 'notify.yaml', ...extra],
    { cwd: dir, env },
  );

test('a channel down: the event waits in the outbox, flush delivers it once, a rerun sends nothing', async () => {
  const port = slack.port;
  await slack.down();
  const first = await scan('--notify');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /WARN\tnotify: slack: Slack webhook: ECONNREFUSED/);
  assert.match(first.stderr, /customs notify flush --config notify\.yaml/);
  const status = await runCli(['notify', 'status', '--format', 'json'], { cwd: dir, env });
  const entries = (JSON.parse(status.stdout) as { entries: { status: string; type: string }[] }).entries;
  assert.deepEqual(
    entries.map((e) => [e.type, e.status]),
    [['critical_security_event', 'pending']],
  );
  slack.port = port;
  await slack.up();
  const flush = await runCli(['notify', 'flush', '--config', 'notify.yaml'], { cwd: dir, env });
  assert.equal(flush.code, 0, flush.stderr);
  assert.equal(slack.requests.length, 1);
  assert.match(slack.requests[0]!.body.toString(), /github-pat \(CRITICAL\) in \/app\/\.env/);
  const again = await scan('--notify');
  assert.equal(again.code, 0, again.stderr);
  await runCli(['notify', 'flush', '--config', 'notify.yaml'], { cwd: dir, env });
  assert.equal(slack.requests.length, 1, 'delivered once only');
  for (const out of [first, flush, again, status]) {
    assert.ok(!(out.stdout + out.stderr).includes('cli-hook-secret-77'), 'the webhook URL is never printed');
    assert.ok(!(out.stdout + out.stderr).includes(TOKEN));
  }
});

test('a failed scan notifies scan_failed; --notify-dry-run sends nothing and masks', async () => {
  const before = slack.requests.length;
  const failed = await runCli(['rootfs', 'missing-dir', '--notify', '--config', 'notify.yaml'], { cwd: dir, env });
  assert.equal(failed.code, 1);
  assert.equal(slack.requests.length, before + 1);
  assert.match(slack.requests.at(-1)!.body.toString(), /Scans failed/);
  const dry = await runCli(['rootfs', 'missing-dir', '--notify-dry-run', '--config', 'notify.yaml'], { cwd: dir, env });
  assert.equal(slack.requests.length, before + 1);
  assert.match(dry.stderr, /"kind": "slack"/);
});

test('sending sections only from --config; secrets in clear refused without echo; missing secrets named', async () => {
  writeFileSync(join(dir, 'customs.yaml'), 'notifications:\n  channels:\n    slack: { triggers: [scan_failed] }\n');
  const implicit = await runCli(['rootfs', 'root', '--scanners', 'secret', '--notify'], { cwd: dir, env });
  assert.equal(implicit.code, 1);
  assert.match(implicit.stderr, /--notify needs the config file named with --config.*pass --config customs\.yaml/);
  rmSync(join(dir, 'customs.yaml'));
  writeFileSync(
    join(dir, 'clear.yaml'),
    `notifications:\n  channels:\n    webhook: { url: "https://hooks.example/very-secret-path", triggers: [scan_failed] }\n`,
  );
  const clear = await runCli(['rootfs', 'root', '--scanners', 'secret', '--config', 'clear.yaml'], { cwd: dir, env });
  assert.equal(clear.code, 1);
  assert.match(clear.stderr, /notifications\.channels\.webhook\.url holds a secret in clear.*CUSTOMS_WEBHOOK_URL/);
  assert.ok(!clear.stderr.includes('very-secret-path'));
  const missing = await runCli(['rootfs', 'root', '--scanners', 'secret', '--notify', '--config', 'notify.yaml'], {
    cwd: dir,
    env: { ...env, CUSTOMS_SLACK_WEBHOOK_URL: '' },
  });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /CUSTOMS_SLACK_WEBHOOK_URL or the environment variable CUSTOMS_SLACK_TOKEN/);
});

test('push defectdojo --dry-run writes the request without the token', async () => {
  writeFileSync(
    join(dir, 'dojo.yaml'),
    'vulnerability_tracking:\n  providers:\n    - name: defectdojo\n      api_url: https://defectdojo.internal\n      product_name: container-security\n',
  );
  const r = await runCli(['push', 'defectdojo', 'out.json', '--config', 'dojo.yaml', '--dry-run'], {
    cwd: dir,
    env: { ...env, CUSTOMS_DEFECTDOJO_TOKEN: 'dojo-token-should-not-print' },
  });
  assert.equal(r.code, 0, r.stderr);
  const req = JSON.parse(r.stdout) as { url: string; fields: Record<string, string>; headers: Record<string, string> };
  assert.equal(req.url, 'https://defectdojo.internal/api/v2/import-scan/');
  assert.equal(req.fields['scan_type'], 'Trivy Scan');
  assert.equal(req.fields['auto_create_context'], 'true');
  assert.ok(!r.stdout.includes('dojo-token-should-not-print'));
});
