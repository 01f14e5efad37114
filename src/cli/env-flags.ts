/**
 * Scan flags from the environment: `CUSTOMS_<FLAG>` and Trivy's
 * `TRIVY_<FLAG>` (`--exit-code` => CUSTOMS_EXIT_CODE / TRIVY_EXIT_CODE).
 * One precedence: command line > CUSTOMS_* > TRIVY_* > config file > default.
 * Empty variables count as unset, as Trivy treats them, so a CI template
 * that exports every input, set or not, does not override the config file.
 *
 * A TRIVY_* variable that maps to no flag of the command: an error when it
 * names a Trivy option customs does not implement (the scan would differ),
 * otherwise a warning naming it — an error there would break CI machines
 * that export TRIVY_* for other tools (installers, TRIVY_VERSION).
 */
import type { Command, Option } from 'commander';
import { UserError } from '../util/errors.js';
import { setOrigin } from './option-origins.js';
import { isInertTrivyValue, NO_EFFECT_TRIVY_OPTIONS, UNSUPPORTED_TRIVY_OPTIONS } from './trivy-names.js';

/**
 * Read elsewhere with their own rules (src/source/registry/credentials.ts:
 * CUSTOMS_/TRIVY_USERNAME and _PASSWORD, newline-separated
 * CUSTOMS_REGISTRY_AUTH), or meaningless from the environment.
 */
const NOT_FROM_ENV: ReadonlySet<string> = new Set(['username', 'password', 'password-stdin', 'registry-auth', 'help']);

export const ENV_PREFIXES = ['CUSTOMS_', 'TRIVY_'] as const;

export function envSuffix(flag: string): string {
  return flag.toUpperCase().replace(/-/g, '_');
}

/** The first of CUSTOMS_<FLAG>, TRIVY_<FLAG> that is set and not empty. */
export function flagFromEnv(flag: string, env: NodeJS.ProcessEnv): { name: string; value: string } | undefined {
  for (const prefix of ENV_PREFIXES) {
    const name = prefix + envSuffix(flag);
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

export function parseEnvBoolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new UserError(`${name}: expected true, false, 1 or 0`, `unset ${name} or give one of those`);
}

function envValue(opt: Option, name: string, value: string): unknown {
  if (opt.negate || opt.isBoolean()) return opt.negate ? !parseEnvBoolean(name, value) : parseEnvBoolean(name, value);
  if (opt.variadic || Array.isArray(opt.defaultValue))
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (opt.argChoices && !opt.argChoices.includes(value))
    throw new UserError(`${name}: "${value}" is not one of ${opt.argChoices.join(', ')}`);
  return value;
}

/** Sets every flag not given on the command line from CUSTOMS_* / TRIVY_*; returns the warnings. */
export function applyEnvironment(cmd: Command, env: NodeJS.ProcessEnv = process.env): string[] {
  const known = new Set<string>();
  for (const opt of cmd.options) {
    if (!opt.long) continue;
    const flag = opt.long.slice(2);
    for (const prefix of ENV_PREFIXES) known.add(prefix + envSuffix(flag));
    if (NOT_FROM_ENV.has(flag)) continue;
    const attr = opt.attributeName();
    if (cmd.getOptionValueSource(attr) === 'cli') continue;
    const found = flagFromEnv(flag, env);
    if (!found) continue;
    cmd.setOptionValueWithSource(attr, envValue(opt, found.name, found.value), 'env');
    setOrigin(cmd, attr, found.name);
  }
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('TRIVY_') || value === undefined || value === '' || known.has(name)) continue;
    const flag = name.slice('TRIVY_'.length).toLowerCase().replace(/_/g, '-');
    if (UNSUPPORTED_TRIVY_OPTIONS.has(flag) && !isInertTrivyValue(UNSUPPORTED_TRIVY_OPTIONS.get(flag)!, value))
      throw new UserError(
        `${name}: customs does not support Trivy's --${flag}`,
        `unset ${name}; scanning without it would give a different result`,
      );
    if (UNSUPPORTED_TRIVY_OPTIONS.has(flag)) continue; // set to a value that asks for nothing
    if (NO_EFFECT_TRIVY_OPTIONS.has(flag))
      warnings.push(`${name}: Trivy's --${flag} has no effect in customs; ignored`);
    else if (!['username', 'password'].includes(flag))
      warnings.push(`${name}: not an option of customs ${cmd.name()}; ignored`);
  }
  return warnings;
}
