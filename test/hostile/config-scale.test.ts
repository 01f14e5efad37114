/**
 * `customs config` on 4 MiB files of one repeated finding (issue 22 item 7):
 * a Dockerfile of `EXPOSE 22` lines, a Compose file of 100,000+ services and
 * a Pod of 100,000+ containers. The snippet of every finding used to re-split
 * the whole file, the YAML library checked each key against all before it
 * and each line lookup scanned the services mapping: a 400 KB Dockerfile took
 * 20 s to minutes, 4 MiB far longer. Now linear, and the report lists at
 * most 10,000 findings per file with a warning saying so. The bound is
 * generous for loaded CI machines; the old code misses it by minutes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';

const FOUR_MIB = 4 * 1024 * 1024;
const BOUND_MS = 90_000;

/** `head` then `unit(i)` repeated up to just under 4 MiB. */
function fill(head: string, unit: (i: number) => string): string {
  const parts = [head];
  let size = head.length;
  for (let i = 0; ; i++) {
    const u = unit(i);
    if (size + u.length > FOUR_MIB - 16) break;
    parts.push(u);
    size += u.length;
  }
  return parts.join('');
}

describe('customs config on 4 MiB of repeated findings', { concurrency: 1 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-config-scale-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string][] = [
    ['Dockerfile', fill('FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD true\n', () => 'EXPOSE 22\n')],
    ['docker-compose.yaml', fill('services:\n', (i) => `  s${i}:\n    image: x\n`)],
    [
      'pod.yaml',
      fill(
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n',
        (i) => `  - name: c${i}\n    image: x\n`,
      ),
    ],
  ];
  for (const [name, text] of cases) {
    test(`${name}: finishes within ${BOUND_MS / 1000} s, listing 10,000 findings and a warning`, async () => {
      const file = join(dir, name);
      writeFileSync(file, text);
      const t0 = Date.now();
      const run = await runCli(['config', file, '-f', 'json'], { timeoutMs: BOUND_MS * 2 });
      const ms = Date.now() - t0;
      assert.equal(run.code, 0, run.stderr.slice(0, 500));
      assert.ok(ms < BOUND_MS, `took ${ms} ms`);
      const report = JSON.parse(run.stdout) as { Results: { Misconfigurations?: unknown[] }[] };
      assert.equal(
        report.Results.reduce((n, r) => n + (r.Misconfigurations?.length ?? 0), 0),
        10_000,
      );
      assert.match(run.stderr, /misconfigurations; only the first 10000 are listed/);
    });
  }
});
