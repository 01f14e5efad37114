/**
 * Runs every case of the hostile corpus through the real CLI, each in its own
 * sandbox, and checks what the case promises: the exit code, the words of
 * the message, what the report still holds, no file written outside the
 * cache, no image path in the cache, and peak memory under 512 MiB.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { runCli, type CliRun } from '../support/cli.js';
import { cases, inputPaths, type Case, type JsonReport } from './corpus/cases.js';
import { corpusDir } from './corpus-dir.js';
import { diffSnapshots, foreignCachePaths, makeSandbox, removeSandbox, snapshot, type Sandbox } from './sandbox.js';

const MEMORY_BUDGET_MIB = 512;
const dir = await corpusDir();
const peaks: { run: string; mib: number }[] = [];

function peakMiB(run: CliRun): number {
  const m = /peak memory (\d+) MiB/.exec(run.stderr);
  assert.ok(m, `--debug names the peak memory:\n${run.stderr.slice(-2000)}`);
  return Number(m[1]);
}

function assertNoCrash(run: CliRun): void {
  assert.ok(
    run.code === 0 || run.code === 1,
    `exit code ${run.code} (0 or 1 expected; null means killed or hung)\n${run.stderr.slice(-3000)}`,
  );
  assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
  assert.doesNotMatch(run.stderr, /\b(TypeError|RangeError|ReferenceError|SyntaxError): /, 'no programming error');
}

async function runInSandbox(c: Case, args: string[], sb: Sandbox): Promise<CliRun> {
  const before = snapshot(sb.root, [sb.cache]);
  const inputBefore = snapshot(dir);
  const run = await runCli([...args, '--debug', ...(c.args ?? [])], { env: sb.env, cwd: sb.work, timeoutMs: 240_000 });
  assertNoCrash(run);
  assert.deepEqual(
    diffSnapshots(before, snapshot(sb.root, [sb.cache])),
    [],
    'no file created or changed outside the cache',
  );
  assert.deepEqual(diffSnapshots(inputBefore, snapshot(dir)), [], 'the input is not modified');
  if (existsSync(sb.cache))
    assert.deepEqual(foreignCachePaths(sb.cache), [], 'the cache holds only its own hashed names');
  const mib = peakMiB(run);
  peaks.push({ run: `${c.name} ${args[0]}`, mib });
  assert.ok(mib < MEMORY_BUDGET_MIB, `peak memory ${mib} MiB is under ${MEMORY_BUDGET_MIB} MiB`);
  return run;
}

function checkOutcome(c: Case, run: CliRun, onReport: () => void): void {
  const e = c.expect;
  assert.equal(run.code, e.exit, `exit code\n${run.stderr.slice(-3000)}`);
  for (const re of e.stderr ?? []) assert.match(run.stderr, re);
  if (e.exit === 1) assert.match(run.stderr, /customs: error: .+/, 'one error line');
  onReport();
  for (const p of e.hostPathsAbsent ?? []) assert.equal(existsSync(p), false, `${p} must not exist`);
}

function listing(c: Case): string[] {
  return c.listPackages === false ? [] : ['--list-all-pkgs'];
}

function imageRuns(c: Case): { form: string; input: string }[] {
  if (c.input.kind !== 'image') return [];
  const owner = c.reuses ? cases.find((x) => x.name === c.reuses)! : c;
  const forms = owner.input.kind === 'image' ? (owner.input.forms ?? ['docker-archive', 'oci']) : [];
  const p = inputPaths(dir, c);
  return forms.map((form) => ({ form, input: form === 'oci' ? `oci:${p.oci}` : `docker-archive:${p.dockerArchive}` }));
}

for (const c of cases) {
  if (c.input.kind === 'image') {
    for (const { form, input } of imageRuns(c)) {
      test(`hostile ${c.name} (${form}): ${c.what}`, async () => {
        const sb = makeSandbox();
        try {
          const run = await runInSandbox(
            c,
            ['image', '--input', input, '--scanners', 'secret,misconfig,license', '-f', 'json', ...listing(c)],
            sb,
          );
          checkOutcome(c, run, () => {
            if (c.expect.exit === 0 && c.expect.report) c.expect.report(JSON.parse(run.stdout) as JsonReport);
          });
        } finally {
          removeSandbox(sb);
        }
      });
    }
  } else if (c.input.kind === 'sbom') {
    test(`hostile ${c.name}: ${c.what}`, async () => {
      const sb = makeSandbox();
      try {
        const run = await runInSandbox(
          c,
          ['sbom', inputPaths(dir, c).sbom, '--scanners', 'none', '-f', 'json', ...listing(c)],
          sb,
        );
        checkOutcome(c, run, () => {
          if (c.expect.exit === 0 && c.expect.report) c.expect.report(JSON.parse(run.stdout) as JsonReport);
        });
      } finally {
        removeSandbox(sb);
      }
    });
  } else {
    test(`hostile ${c.name}: ${c.what}`, async () => {
      const sb = makeSandbox();
      try {
        const run = await runInSandbox(c, ['db', 'update', '--source', inputPaths(dir, c).osv], sb);
        const status = await runCli(['db', 'status', '--json'], { env: sb.env, cwd: sb.work });
        checkOutcome(c, run, () => {
          if (c.expect.status)
            c.expect.status(JSON.parse(status.stdout) as Parameters<NonNullable<typeof c.expect.status>>[0]);
        });
      } finally {
        removeSandbox(sb);
      }
    });
  }
}

test('hostile corpus: peak memory of every run', () => {
  const worst = peaks.reduce((a, b) => (b.mib > a.mib ? b : a), { run: 'none', mib: 0 });
  process.stdout.write(`# hostile corpus: ${peaks.length} runs, highest peak ${worst.mib} MiB (${worst.run})\n`);
  assert.ok(worst.mib < MEMORY_BUDGET_MIB);
});
