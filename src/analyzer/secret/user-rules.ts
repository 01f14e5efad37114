/**
 * User-supplied regexes (`--secret-config` rules and allow-rules, paths and
 * values) run in a
 * worker thread with a time budget per text. A regex cannot be interrupted
 * in the thread that runs it, and no timer fires meanwhile, so a rule that
 * backtracks for hours would hold the scan past `--timeout`; in a worker,
 * `terminate()` stops it. The built-in rules, proven linear, stay on the
 * main thread.
 */
import { Worker } from 'node:worker_threads';
import type { RawSecret } from './raw-secret.js';

/** Per text: a well-behaved rule set takes milliseconds on the largest file read (5 MiB). */
export const USER_RULE_BUDGET_MS = 5000;
/** Candidates per rule per text sent back; beyond this a file is noise. */
const MAX_SPANS_PER_RULE = 10_000;

export interface UserRuleSpec {
  id: string;
  source: string;
  flags: string;
  keywords: string[];
}
export interface UserPattern {
  source: string;
  flags: string;
}

export type UserScan =
  /** `pathAllowed`: an allow-rule path matched, nothing was scanned. */
  | { spans: (RawSecret & { ruleId: string })[]; allowed: boolean[]; pathAllowed?: boolean }
  /** The rule (or `allow-rules`) that was running when the budget ran out. */
  | { timedOut: string };

/** Plain JavaScript, run with `eval: true`: the same in the tsc build and the bundle, no module to locate. */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const plus = (flags, more) => [...new Set(flags + more)].join('');
const rules = workerData.rules.map((r) => ({ id: r.id, keywords: r.keywords, re: new RegExp(r.source, plus(r.flags, 'gd')) }));
const allow = workerData.allow.map((a) => new RegExp(a.source, a.flags.replace(/[gy]/g, '')));
const allowPaths = workerData.allowPaths.map((a) => new RegExp(a.source, a.flags.replace(/[gy]/g, '')));
const isAllowed = (s) => allow.some((a) => a.test(s));
parentPort.on('message', ({ text, candidates, path }) => {
  if (path !== undefined && allowPaths.length) {
    parentPort.postMessage({ running: 'allow-rules' });
    if (allowPaths.some((a) => a.test(path))) { parentPort.postMessage({ spans: [], allowed: [], pathAllowed: true }); return; }
  }
  const lower = text.toLowerCase();
  const spans = [];
  for (const r of rules) {
    if (!r.keywords.some((k) => lower.includes(k))) continue;
    parentPort.postMessage({ running: r.id });
    r.re.lastIndex = 0;
    let n = 0;
    for (let m = r.re.exec(text); m && n < workerData.maxSpans; m = r.re.exec(text)) {
      if (m[0].length === 0) { r.re.lastIndex++; continue; }
      const at = m.indices && m.indices.groups && m.indices.groups.secret;
      if (!at || at[1] <= at[0]) continue;
      const secret = m.groups.secret;
      if (isAllowed(secret)) continue;
      spans.push({ ruleId: r.id, start: at[0], end: at[1], secret });
      n++;
    }
  }
  parentPort.postMessage({ running: 'allow-rules' });
  parentPort.postMessage({ spans, allowed: candidates.map(isAllowed) });
});
`;

/**
 * One worker, one text at a time (callers queue). A text whose budget runs
 * out terminates the worker; the next text starts a new one.
 */
export class UserRuleRunner {
  private worker: Worker | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly rules: UserRuleSpec[],
    private readonly allow: UserPattern[],
    private readonly allowPaths: UserPattern[] = [],
    private readonly budgetMs = USER_RULE_BUDGET_MS,
  ) {}

  /** Whether `text` needs the worker at all: a user rule's keyword occurs, candidates await the allow-rules, or its path awaits allow-rule paths. */
  wants(lower: string, candidates: number, path?: string): boolean {
    return (
      (path !== undefined && this.allowPaths.length > 0) ||
      (candidates > 0 && this.allow.length > 0) ||
      this.rules.some((r) => r.keywords.some((k) => lower.includes(k)))
    );
  }

  /** The user rules' candidates in `text` (allow-rules applied), and which `candidates` the allow-rules clear; nothing when `path` is allow-listed. */
  scan(text: string, candidates: string[], path?: string): Promise<UserScan> {
    const run = this.queue.then(() => this.run(text, candidates, path));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private spawn(): Worker {
    const w = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { rules: this.rules, allow: this.allow, allowPaths: this.allowPaths, maxSpans: MAX_SPANS_PER_RULE },
    });
    w.unref(); // an idle worker never keeps the process alive
    return w;
  }

  private run(text: string, candidates: string[], path: string | undefined): Promise<UserScan> {
    const w = (this.worker ??= this.spawn());
    w.ref();
    return new Promise<UserScan>((resolve, reject) => {
      let running = '(starting)';
      const done = (): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
      };
      const onMessage = (m: { running?: string } & Partial<UserScan>): void => {
        if (m.running) {
          running = m.running;
          return;
        }
        done();
        w.unref();
        resolve(m as UserScan);
      };
      const onError = (e: Error): void => {
        done();
        this.worker = undefined;
        reject(e);
      };
      const timer = setTimeout(() => {
        done();
        this.worker = undefined;
        void w.terminate();
        resolve({ timedOut: running });
      }, this.budgetMs);
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage({ text, candidates, path });
    });
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
