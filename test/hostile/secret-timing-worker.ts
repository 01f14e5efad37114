/**
 * Worker for secret-rules-linear.test.ts: times one rule (or all rules) on
 * one worst case, in a thread the test can terminate. A backtracking regex
 * cannot be interrupted in the thread that runs it; this way a rule that
 * never ends fails its test instead of hanging the run.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { builtinRules } from '../../src/analyzer/secret/rules.js';
import { compileRules, scanText } from '../../src/analyzer/secret/scan-text.js';
import { SECRET_WORST_CASES } from './corpus/secret-worst-cases.js';

/** Times the case `workerData` names and posts the result. */
function timeCase(port: MessagePort): void {
  const { ruleId, caseName, bytes, together } = workerData as {
    ruleId: string;
    caseName: string;
    bytes: number;
    together: boolean;
  };
  const text = SECRET_WORST_CASES[ruleId]![caseName]!(bytes);
  const rules = compileRules(together ? builtinRules : builtinRules.filter((r) => r.id === ruleId));
  const prefiltered = rules.keywords.test(text);
  // CPU time, not wall time: on a shared machine wall time measures the neighbours too.
  // The main thread only waits meanwhile, so the process's CPU time is this thread's.
  const t0 = process.cpuUsage();
  scanText(text, rules);
  const d = process.cpuUsage(t0);
  port.postMessage({ cpuMs: (d.user + d.system) / 1000, length: text.length, prefiltered });
}

// The test runner also loads every file under dist/test; outside a worker there is nothing to time.
if (parentPort) timeCase(parentPort);
