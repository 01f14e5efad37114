/**
 * Issue 17 item 8: progress on a terminal with steps, bytes, time spent and
 * time left, a final "done in N s"; nothing at all when stderr is not a
 * terminal or under --quiet / --no-progress. The display is driven with a
 * stand-in terminal and clock; the CLI is run under a real pseudo-terminal
 * (util-linux `script`) when the machine has one, and through pipes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createProgress, formatBytes, progressLine } from '../../src/cli/progress.js';
import { runCli } from '../support/cli.js';
import { cliPath } from '../support/paths.js';
import { writeSmallBookwormImage } from '../support/small-image.js';

const dir = mkdtempSync(join(tmpdir(), 'customs-progress-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const image = writeSmallBookwormImage(dir);
const MiB = 1024 * 1024;

test('the line: steps, bytes of the total, time spent and time left from the rate so far', () => {
  assert.equal(
    progressLine(
      {
        stage: 'layers',
        message: 'analysing layers',
        done: 2,
        total: 5,
        unit: 'layers',
        bytes: 30 * MiB,
        totalBytes: 120 * MiB,
      },
      6000,
    ),
    'analysing layers  2/5 layers  30 MiB of 120 MiB  6 s  ~18 s left',
  );
  // Without bytes the estimate goes by steps; a finished stage has no time left.
  assert.match(
    progressLine({ stage: 'database', message: 'db', done: 1, total: 4 }, 90_000),
    /1 min 30 s {2}~4 min 30 s left$/,
  );
  assert.doesNotMatch(progressLine({ stage: 'layers', message: 'x', done: 3, total: 3 }, 1000), /left/);
  assert.equal(formatBytes(1536), '1.5 KiB');
});

test('on a terminal: redrawn at most every 100 ms, cleared, and "done in N s" at the end', () => {
  let clock = 0;
  let out = '';
  const p = createProgress(true, { isTTY: true, write: (t: string) => (out += t) }, () => clock);
  p.update({ stage: 'layers', message: 'analysing layers', done: 1, total: 3, unit: 'layers' });
  clock = 50;
  p.update({ stage: 'layers', message: 'analysing layers', done: 2, total: 3, unit: 'layers' });
  assert.doesNotMatch(out, /2\/3/, 'not redrawn within 100 ms');
  clock = 60;
  p.update({ stage: 'layers', message: 'analysing layers', done: 3, total: 3, unit: 'layers' });
  assert.ok(out.includes('\r\x1b[2Kanalysing layers  3/3 layers'), 'the last step is always drawn');
  clock = 4200;
  p.finish();
  assert.ok(out.endsWith('\r\x1b[2Kdone in 4.2 s\n'), JSON.stringify(out));
});

test('not a terminal, --quiet or --no-progress: nothing at all', async () => {
  let out = '';
  const write = (t: string): boolean => ((out += t), true);
  for (const p of [createProgress(true, { isTTY: false, write }), createProgress(false, { isTTY: true, write })]) {
    p.update({ stage: 'layers', message: 'x', done: 1, total: 2 });
    p.finish();
  }
  assert.equal(out, '');
  const run = await runCli(['image', '--input', image, '--scanners', 'none'], {
    env: { CUSTOMS_CACHE_DIR: mkdtempSync(join(dir, 'cache-')) },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /\r|done in/);
});

/** Runs the CLI under a pseudo-terminal; undefined when util-linux `script` is missing. */
function underTerminal(args: string[]): string | undefined {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', quoted, '/dev/null'], {
    encoding: 'utf8',
    env: { ...process.env, CUSTOMS_CACHE_DIR: mkdtempSync(join(dir, 'cache-')), NO_COLOR: '' },
  });
  if (r.error) return undefined;
  assert.equal(r.status, 0, r.stdout);
  return r.stdout;
}

test('under a real terminal: the progress line, "done in", and --no-progress silences both', (t) => {
  const shown = underTerminal(['image', '--input', image, '--scanners', 'none', '--list-all-pkgs']);
  if (shown === undefined) return t.skip('util-linux script is not installed: no pseudo-terminal to run under');
  assert.match(shown, /analysing layers {2}1\/1 layers/);
  assert.match(shown, /done in \d+\.\d s/);
  const quiet = underTerminal(['image', '--input', image, '--scanners', 'none', '--list-all-pkgs', '--no-progress']);
  assert.doesNotMatch(quiet!, /analysing layers|done in/);
});
