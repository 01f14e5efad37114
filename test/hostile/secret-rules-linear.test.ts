/**
 * Every built-in secret rule runs in linear time: each is fed ~1 MiB of
 * each of its worst cases (corpus/secret-worst-cases.ts), alone and with
 * every other rule, and must finish within a generous second of CPU time.
 * The old private-key regex took 162 s on 10,000 spaces; here it would run
 * for hours, so each case runs in a worker that is terminated after
 * WALL_LIMIT_MS and the case fails. A new rule must bring its worst cases.
 */
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { describe, test } from 'node:test';
import { builtinRules } from '../../src/analyzer/secret/rules.js';
import { SECRET_WORST_CASES } from './corpus/secret-worst-cases.js';

const MiB = 1024 * 1024;
const CPU_BOUND_MS = 1000;
const WALL_LIMIT_MS = 30_000;

interface Timing {
  cpuMs: number;
  length: number;
  prefiltered: boolean;
}

function timeInWorker(ruleId: string, caseName: string, together: boolean): Promise<Timing | 'killed'> {
  const worker = new Worker(new URL('./secret-timing-worker.js', import.meta.url), {
    workerData: { ruleId, caseName, bytes: MiB, together },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve('killed');
    }, WALL_LIMIT_MS);
    worker.once('message', (m: Timing) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('built-in secret rules are linear on their worst inputs', { concurrency: 1 }, () => {
  test('every built-in rule has worst cases', () => {
    assert.deepEqual(
      builtinRules.map((r) => r.id).filter((id) => !SECRET_WORST_CASES[id]),
      [],
    );
  });
  for (const rule of builtinRules) {
    for (const caseName of Object.keys(SECRET_WORST_CASES[rule.id] ?? {})) {
      test(`${rule.id}: ${caseName}`, async () => {
        for (const together of [false, true]) {
          const what = together ? `all rules on ${rule.id}'s "${caseName}"` : `${rule.id} on "${caseName}"`;
          const t = await timeInWorker(rule.id, caseName, together);
          assert.notEqual(t, 'killed', `${what} ran for over ${WALL_LIMIT_MS / 1000} s on 1 MiB and was stopped`);
          if (t === 'killed') return;
          assert.ok(t.length >= MiB && t.length < 2 * MiB, `the input is ${t.length} bytes`);
          assert.ok(t.prefiltered, 'the input must pass the keyword prefilter, or the rule never runs');
          assert.ok(t.cpuMs < CPU_BOUND_MS, `${what} took ${t.cpuMs.toFixed(0)} ms of CPU on 1 MiB`);
        }
      });
    }
  }
});
