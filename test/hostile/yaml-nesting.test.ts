/**
 * YAML nested by brackets beyond any real file: the yaml library recursed
 * until V8 died with a fatal out-of-memory error (2,000 `[`), taking the
 * scan with it. Every YAML customs reads from a stranger goes through
 * util/untrusted-yaml.ts, which refuses such nesting before parsing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzersFor } from '../../src/analyzer/registry.js';
import { checkFlowNesting, MAX_FLOW_DEPTH, parseUntrustedYaml } from '../../src/util/untrusted-yaml.js';
import { runCli } from '../support/cli.js';

test('nesting up to the bound parses; beyond it is refused before the parser runs', () => {
  const atBound = `${'['.repeat(MAX_FLOW_DEPTH)}1${']'.repeat(MAX_FLOW_DEPTH)}`;
  assert.deepEqual(parseUntrustedYaml(atBound), JSON.parse(atBound));
  assert.throws(() => checkFlowNesting('['.repeat(MAX_FLOW_DEPTH + 1)), /nest more than 64 deep/);
  assert.throws(() => parseUntrustedYaml(`a: "${'[{'.repeat(5000)}"`), /nest more than/);
  // Balanced brackets at any count are fine: only depth matters.
  assert.doesNotThrow(() => checkFlowNesting('[a] '.repeat(100_000)));
});

test('a pnpm lockfile of 100,000 brackets is skipped with a warning, not fatal', async () => {
  const pnpm = analyzersFor(['vuln']).find((a) => a.name === 'pnpm-lock')!;
  const content = Buffer.from(`lockfileVersion: '6.0'\npackages: ${'['.repeat(100_000)}`);
  const warnings: string[] = [];
  const out = await pnpm.analyze(
    { path: 'app/pnpm-lock.yaml', size: content.length, mode: 0o644, content },
    { warn: (m) => warnings.push(m) },
  );
  assert.equal(out?.packageSets?.[0]?.packages.length ?? 0, 0);
  assert.match(warnings.join('\n'), /nest more than/);
});

test('customs config on a manifest of deep brackets finishes with a warning naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-yaml-nesting-'));
  try {
    writeFileSync(join(dir, 'pod.yaml'), `apiVersion: v1\nkind: Pod\nspec: ${'['.repeat(5000)}\n`);
    const run = await runCli(['config', dir, '-f', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /pod\.yaml.*nest more than 64 deep/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
