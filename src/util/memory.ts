/**
 * The process's peak resident memory: Linux keeps the high-water mark
 * (`VmHWM`) in /proc/self/status; elsewhere Node's `resourceUsage` gives
 * `maxRSS` in KiB.
 */
import { readFileSync } from 'node:fs';

export function peakRssBytes(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    /* not Linux */
  }
  const kib = process.resourceUsage?.().maxRSS;
  return kib ? kib * 1024 : undefined;
}
