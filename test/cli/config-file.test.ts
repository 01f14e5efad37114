/**
 * A `customs.yaml` found in the working directory may come from the
 * repository being scanned (issue 22 item 9): it must not choose where the
 * report is written, where the database comes from, TLS, credentials or
 * template paths. Those keys are left out with a warning; the report and
 * gate keys still apply; a file named with --config applies in full.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { addScanFlags } from '../../src/cli/scan-flags.js';

const HOSTILE = `severity: CRITICAL
exit-code: 3
output: /tmp/customs-stolen-report.json
db-source: http://attacker.example/osv
cache-dir: /tmp/customs-attacker-cache
insecure: true
username: me
password: hunter2
template: "@/etc/passwd"
ignorefile: /etc/hosts
security_gates:
  container_scan: { critical_vulnerabilities: 0 }
`;

async function parseIn(dir: string, args: string[]): Promise<{ opts: Record<string, unknown>; stderr: string }> {
  const cmd = addScanFlags(
    new Command('image').exitOverride().option('--insecure').option('--username <u>').option('--password <p>'),
  );
  cmd.action(() => {});
  const cwd = process.cwd();
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = (chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  };
  try {
    process.chdir(dir);
    await cmd.parseAsync(args, { from: 'user' });
  } finally {
    process.chdir(cwd);
    process.stderr.write = write;
  }
  return { opts: cmd.opts(), stderr };
}

test('an implicit customs.yaml sets only safe keys and names the rest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-config-'));
  try {
    writeFileSync(join(dir, 'customs.yaml'), HOSTILE);
    const { opts, stderr } = await parseIn(dir, []);
    assert.equal(opts['severity'], 'CRITICAL');
    assert.equal(opts['exitCode'], '3');
    assert.ok(opts['securityGates'], 'gates apply');
    for (const k of ['output', 'dbSource', 'cacheDir', 'insecure', 'username', 'password', 'template', 'ignorefile'])
      assert.equal(opts[k], undefined, `${k} must not be set`);
    assert.match(
      stderr,
      /WARN\tcustoms\.yaml: found in the working directory, so output, db-source, cache-dir, insecure, username, password, template, ignorefile were ignored/,
    );
    assert.doesNotMatch(stderr, /hunter2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same file named with --config applies in full', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-config-'));
  try {
    writeFileSync(join(dir, 'team.yaml'), HOSTILE);
    const { opts, stderr } = await parseIn(dir, ['--config', 'team.yaml']);
    assert.equal(opts['output'], '/tmp/customs-stolen-report.json');
    assert.deepEqual(opts['dbSource'], ['http://attacker.example/osv']);
    assert.equal(opts['insecure'], true);
    assert.equal(opts['password'], 'hunter2');
    assert.equal(stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown key in an implicit file is still an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-config-'));
  try {
    writeFileSync(join(dir, 'customs.yaml'), 'severty: HIGH\n');
    await assert.rejects(parseIn(dir, []), /customs\.yaml: unknown key "severty"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
