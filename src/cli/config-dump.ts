/**
 * `customs config-dump [COMMAND] [FLAGS…]` and `--debug`: every effective
 * option of a scan command, its value, and where the value came from — the
 * flag, a CUSTOMS_* or TRIVY_* variable, the config file and key, or the
 * default — so a pipeline can see why its gate passed. Credentials are
 * shown only as set or not.
 */
import type { Command, Option } from 'commander';
import { findConfigFile } from './config-file.js';
import { originOf } from './option-origins.js';

/** Flags whose values are secrets: shown as `***`. */
const SECRET_FLAGS: ReadonlySet<string> = new Set(['password', 'registry-auth', 'token']);
/** Flags about the run itself, not the scan. */
const NOT_SHOWN: ReadonlySet<string> = new Set(['help', 'version']);

function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (Array.isArray(value)) return value.length ? value.map(String).join(',') : '(none)';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

function valueOf(opt: Option, value: unknown): string {
  const flag = opt.long!.slice(2);
  if (SECRET_FLAGS.has(flag) && value !== undefined && !(Array.isArray(value) && value.length === 0)) return '***';
  // `--no-cache` holds `cache`: say what the flag's own name means.
  if (opt.negate) return value === false ? 'true' : 'false';
  return show(value);
}

export interface DumpRow {
  flag: string;
  value: string;
  origin: string;
}

/** One row per long option of the command, plus the config file's `security_gates`. */
export function dumpRows(cmd: Command): DumpRow[] {
  const rows: DumpRow[] = [];
  for (const opt of cmd.options) {
    if (!opt.long || NOT_SHOWN.has(opt.long.slice(2))) continue;
    const attr = opt.attributeName();
    rows.push({ flag: opt.long, value: valueOf(opt, cmd.getOptionValue(attr)), origin: originOf(cmd, attr) });
  }
  const gates = cmd.getOptionValue('securityGates') as unknown;
  if (gates !== undefined)
    rows.push({ flag: 'security_gates', value: show(gates), origin: originOf(cmd, 'securityGates') });
  return rows;
}

export function dumpText(cmd: Command): string {
  const file = cmd.options.some((o) => o.long === '--config') ? findConfigFile(cmd) : undefined;
  const rows = dumpRows(cmd);
  const w1 = Math.max(...rows.map((r) => r.flag.length));
  const w2 = Math.min(60, Math.max(...rows.map((r) => r.value.length)));
  const readsFile = cmd.options.some((o) => o.long === '--config');
  const head = readsFile
    ? `customs ${cmd.name()}: config file ${file ?? '(none)'}; precedence: flag > CUSTOMS_* > TRIVY_* > config file > default`
    : `customs ${cmd.name()}: no config file; precedence: flag > CUSTOMS_* > TRIVY_* > default`;
  return [head, ...rows.map((r) => `  ${r.flag.padEnd(w1)}  ${r.value.padEnd(w2)}  ${r.origin}`)].join('\n') + '\n';
}

/** Under --debug, the same on stderr, one DEBUG line per option. */
export function debugDump(cmd: Command): void {
  if (!cmd.getOptionValue('debug') || cmd.getOptionValue('quiet')) return;
  const stamp = new Date().toISOString();
  for (const line of dumpText(cmd).trimEnd().split('\n'))
    process.stderr.write(`${stamp}\tDEBUG\toption ${line.trim()}\n`);
}
