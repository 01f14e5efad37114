/**
 * Issue 17 item 1 (end): `customs config-dump` shows each effective option
 * with its value and origin, and every key of the trivy.yaml that Trivy
 * 0.44.1 itself generates (test/fixtures/trivy/trivy-default.yaml, see
 * SOURCE.md there) maps to a customs option or is named in trivy-names.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { parse } from 'yaml';
import { registerScanCommands } from '../../src/cli/commands/scan.js';
import {
  NO_EFFECT_CONFIG_KEYS,
  NO_EFFECT_TRIVY_OPTIONS,
  TRIVY_CONFIG_KEYS,
  TRIVY_LICENSE_CATEGORY_KEYS,
  UNSUPPORTED_TRIVY_OPTIONS,
} from '../../src/cli/trivy-names.js';
import { runCli } from '../support/cli.js';
import { fixture } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'customs-config-dump-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DEFAULT_CONFIG = fixture('trivy', 'trivy-default.yaml');

function flatten(doc: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(doc).flatMap(([k, v]): [string, unknown][] =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [[prefix + k, v]],
  );
}

const trivyKeys = flatten(parse(readFileSync(DEFAULT_CONFIG, 'utf8')) as Record<string, unknown>);

function imageCommand(): Command {
  const program = new Command('customs');
  registerScanCommands(program);
  return program.commands.find((c) => c.name() === 'image')!;
}

const named = (m: ReadonlyMap<string, string>, key: string): boolean => [...m.values()].includes(key);

test("every key of Trivy 0.44.1's generated trivy.yaml maps to a customs option or is named as rejected or ignored", () => {
  assert.ok(trivyKeys.length > 80, `the fixture has Trivy's whole key set (${trivyKeys.length})`);
  const flags = new Set(imageCommand().options.map((o) => o.long?.slice(2)));
  const unhandled = trivyKeys
    .map(([key]) => key)
    .filter(
      (key) =>
        !TRIVY_CONFIG_KEYS.has(key) &&
        !TRIVY_LICENSE_CATEGORY_KEYS.has(key) &&
        !named(UNSUPPORTED_TRIVY_OPTIONS, key) &&
        !named(NO_EFFECT_TRIVY_OPTIONS, key) &&
        !NO_EFFECT_CONFIG_KEYS.has(key) &&
        !flags.has(key),
    );
  assert.deepEqual(unhandled, []);
  // A mapping must lead to a flag some scan command has (image.source and db.no-progress included).
  for (const [key, flag] of TRIVY_CONFIG_KEYS)
    if (trivyKeys.some(([k]) => k === key) && flag !== 'image-src')
      assert.ok(flags.has(flag), `${key} maps to --${flag}, which customs image lacks`);
});

test('the generated trivy.yaml loads as --config: defaults ask for nothing unsupported', async () => {
  const run = await runCli(['config-dump', 'image', '--config', DEFAULT_CONFIG], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /--scanners\s+vuln,secret\s+\S*trivy-default\.yaml: scan\.scanners/);
  assert.match(run.stdout, /--vuln-type\s+os,library\s+\S*trivy-default\.yaml: vulnerability\.type/);
  assert.match(run.stdout, /--timeout\s+5m0s\s/);
  // Trivy's default optional files (.trivyignore, trivy-secret.yaml) are absent here: unset, as Trivy treats them.
  assert.match(run.stdout, /--ignorefile\s+\(not set\)\s+default/);
  assert.match(run.stdout, /--secret-config\s+\(not set\)\s+default/);
  assert.match(run.stderr, /"generate-default-config" has no effect/);
});

test('each unsupported key of the generated file, set to a value that asks for something, is an error naming it', async () => {
  const unsupported = trivyKeys
    .map(([k]) => k)
    .filter((k) => named(UNSUPPORTED_TRIVY_OPTIONS, k) && !TRIVY_CONFIG_KEYS.has(k));
  assert.ok(unsupported.length >= 20, unsupported.join(' '));
  for (const key of unsupported) {
    const file = join(dir, 'one.yaml');
    const path = key.split('.');
    writeFileSync(file, `${path.map((p, i) => `${'  '.repeat(i)}${p}:`).join('\n')} something\n`);
    const run = await runCli(['config-dump', 'image', '--config', file], { cwd: dir });
    assert.equal(run.code, 1, key);
    assert.match(run.stderr, new RegExp(`customs does not support Trivy's "${key.replace(/\./g, '\\.')}"`), key);
  }
  writeFileSync(join(dir, 'unknown.yaml'), 'scan:\n  no-such-key: true\n');
  const unknown = await runCli(['config-dump', 'image', '--config', join(dir, 'unknown.yaml')], { cwd: dir });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown key "scan\.no-such-key"/);
});

test('config-dump names the origin of each value: flag, CUSTOMS_*, TRIVY_*, config file and key, default', async () => {
  const cwd = mkdtempSync(join(dir, 'cwd-'));
  writeFileSync(join(cwd, 'trivy.yaml'), 'severity: [HIGH, CRITICAL]\nvulnerability:\n  ignore-unfixed: true\n');
  const run = await runCli(['config-dump', 'image', '--timeout', '2m', 'alpine:3.20'], {
    cwd,
    env: { TRIVY_EXIT_CODE: '3', CUSTOMS_FORMAT: 'json', TRIVY_FORMAT: 'sarif', CUSTOMS_PASSWORD: 'hunter2' },
  });
  assert.equal(run.code, 0, run.stderr);
  const line = (flag: string): string => run.stdout.split('\n').find((l) => l.trim().startsWith(`${flag} `)) ?? '';
  assert.match(run.stdout, /config file trivy\.yaml/);
  assert.match(line('--timeout'), /2m\s+flag$/);
  assert.match(line('--exit-code'), /3\s+TRIVY_EXIT_CODE$/);
  assert.match(line('--format'), /json\s+CUSTOMS_FORMAT$/);
  assert.match(line('--severity'), /HIGH,CRITICAL\s+trivy\.yaml: severity$/);
  assert.match(line('--ignore-unfixed'), /true\s+trivy\.yaml: vulnerability\.ignore-unfixed$/);
  assert.match(line('--parallel'), /2\s+default$/);
  assert.match(line('--no-cache'), /false\s+default$/);
  assert.doesNotMatch(run.stdout, /hunter2/);
});

test('--debug prints the same on stderr before any work', async () => {
  const run = await runCli(['image', '--debug', '--exit-code', '4', '--input', join(dir, 'missing.tar')], {
    cwd: dir,
    env: { CUSTOMS_CACHE_DIR: mkdtempSync(join(dir, 'cache-')), CUSTOMS_DB_SOURCE: 'https://db.invalid/x' },
  });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /DEBUG\toption --exit-code\s+4\s+flag/);
  assert.match(run.stderr, /missing\.tar: no such file or directory/);
});
