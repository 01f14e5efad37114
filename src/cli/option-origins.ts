/**
 * Where each effective option value came from, finer than commander's
 * source ('env', 'config'): the variable's name (`TRIVY_EXIT_CODE`) or the
 * config file and key (`trivy.yaml: vulnerability.ignore-unfixed`), for
 * `customs config-dump` and `--debug`. Kept beside the command rather than
 * in it, since commander has no place for it.
 */
import type { Command } from 'commander';

const origins = new WeakMap<Command, Map<string, string>>();

export function setOrigin(cmd: Command, attr: string, origin: string): void {
  let m = origins.get(cmd);
  if (!m) origins.set(cmd, (m = new Map<string, string>()));
  m.set(attr, origin);
}

/** `flag`, the variable, `FILE: key`, or `default` (commander's, or the library's when the option has none here). */
export function originOf(cmd: Command, attr: string): string {
  const source = cmd.getOptionValueSource(attr);
  const detail = origins.get(cmd)?.get(attr);
  if (source === 'cli') return detail ?? 'flag';
  if (source === 'env' || source === 'config') return detail ?? source;
  return detail ?? 'default';
}
