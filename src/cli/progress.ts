/**
 * A one-line progress display on stderr, shown only on a terminal (and not
 * under --quiet or --no-progress): the step, how far (`3/7 layers`, bytes
 * of the total), the time spent and the time left, estimated from the rate
 * so far; and at the end one "done in N s" line. Anything else (a pipe, a
 * file, CI logs) gets nothing: a progress line there is noise.
 */
import type { ScanProgress } from '../api/request.js';

export interface Progress {
  update(p: ScanProgress | string): void;
  /** Clears the line. */
  done(): void;
  /** Clears the line and says how long the whole run took. */
  finish(): void;
}

/** Where the display goes: stderr, or a test's stand-in. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** At most this often is the line redrawn: a terminal is slow, a fast layer walk is not. */
const REDRAW_MS = 100;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatSeconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** The line for one progress event, `startedAt` being when its stage began. */
export function progressLine(p: ScanProgress, elapsedMs: number): string {
  const parts = [p.message];
  if (p.done !== undefined && p.total) parts.push(`${p.done}/${p.total}${p.unit ? ` ${p.unit}` : ''}`);
  if (p.bytes !== undefined && p.totalBytes) parts.push(`${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}`);
  parts.push(`${formatSeconds(elapsedMs)}`);
  // Time left from the rate so far: by bytes when known (layers differ in size), else by steps.
  const [done, total] = p.bytes !== undefined && p.totalBytes ? [p.bytes, p.totalBytes] : [p.done ?? 0, p.total ?? 0];
  if (done > 0 && total > done) parts.push(`~${formatSeconds((elapsedMs * (total - done)) / done)} left`);
  return parts.join('  ');
}

export function createProgress(
  enabled: boolean,
  stream: ProgressStream = process.stderr,
  now: () => number = Date.now,
): Progress {
  const tty = enabled && stream.isTTY === true;
  if (!tty) return { update() {}, done() {}, finish() {} };
  const start = now();
  let stage: string | undefined;
  let stageStart = start;
  let drawn = 0;
  let shown = false;
  const clear = (): void => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    update(p) {
      const event: ScanProgress = typeof p === 'string' ? { stage: 'layers', message: p } : p;
      const t = now();
      if (event.stage !== stage) [stage, stageStart, drawn] = [event.stage, t, 0];
      const last = event.total !== undefined && event.done === event.total;
      if (t - drawn < REDRAW_MS && !last) return;
      drawn = t;
      stream.write(`\r\x1b[2K${progressLine(event, t - stageStart)}`);
      shown = true;
    },
    done: clear,
    finish() {
      clear();
      stream.write(`done in ${((now() - start) / 1000).toFixed(1)} s\n`);
    },
  };
}
