/**
 * `customs.yaml` (found in the working dir, or `--config FILE`): any scan
 * flag by its long name (`severity`, `exit-code`, `ignore-unfixed`…; lists
 * for list flags), plus `security_gates`. Flags given on the command line
 * win. An unknown key is an error that suggests the nearest flag.
 *
 * A `customs.yaml` found in the working directory may belong to the
 * repository being scanned, not to whoever runs customs: from it only the
 * keys that shape the report and the gate are taken. Keys that read or
 * write files, choose where data comes from, or touch credentials and TLS
 * (`output`, `db-source`, `cache-dir`, `insecure`, `password`, `template`…)
 * are left out with a warning; they apply from a file named with --config.
 *
 * Trivy's `trivy.yaml` is read the same way (named with --config, or found
 * in the working dir when there is no customs.yaml, under the same
 * allowlist): its nested sections are flattened to Trivy's dotted keys
 * (`vulnerability.ignore-unfixed`, `cache.dir`) and mapped to customs flags;
 * a Trivy option customs does not implement is an error naming it.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseUntrustedYaml } from '../util/untrusted-yaml.js';
import { parseGates } from '../policy/gates.js';
import { UserError } from '../util/errors.js';
import { setOrigin } from './option-origins.js';
import { classifyLicense } from '../license/classify.js';
import {
  isInertTrivyValue,
  NO_EFFECT_CONFIG_KEYS,
  NO_EFFECT_TRIVY_OPTIONS,
  TRIVY_CONFIG_KEYS,
  TRIVY_LICENSE_CATEGORY_KEYS,
  TRIVY_OPTIONAL_FILES,
  UNSUPPORTED_TRIVY_OPTIONS,
} from './trivy-names.js';
import { SENDING_SECTIONS, sendingSections } from '../notify/load.js';

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  return d[a.length]![b.length]!;
}

/**
 * What a working-directory `customs.yaml` may set: an allowlist, so a flag
 * added later is explicit-only until someone decides it is harmless.
 */
export const IMPLICIT_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'security_gates',
  'format',
  'severity',
  'exit-code',
  'ignore-unfixed',
  'pkg-types',
  'vuln-type',
  'exit-on-eol',
  'scanners',
  'skip-dirs',
  'skip-files',
  'list-all-pkgs',
  'include-dev-deps',
  'show-suppressed',
  'match-os-owned',
  'license-forbidden',
  'secret-skip-base',
  'skip-db-update',
  'offline-scan',
  'no-cache',
  'parallel',
  'timeout',
  'registry-timeout',
  'platform',
  'max-layer-size',
  'max-compression-ratio',
  'max-entries-per-layer',
  'memory-budget',
  'max-sbom-size',
  'max-sbom-components',
  'quiet',
  'debug',
]);

/**
 * Trivy nests keys in sections (`scan: { scanners: [...] }`); flatten them
 * to its dotted names. `security_gates` is customs' own nested value.
 */
function flatten(doc: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(doc).flatMap(([k, v]): [string, unknown][] => {
    const key = prefix + k;
    if (key !== 'security_gates' && !isSendingSection(key) && v !== null && typeof v === 'object' && !Array.isArray(v))
      return flatten(v as Record<string, unknown>, `${key}.`);
    return [[key, v]];
  });
}

/** `notifications:` and `vulnerability_tracking:`: customs' own nested sections, read by the sending commands. */
const isSendingSection = (key: string): boolean => (SENDING_SECTIONS as readonly string[]).includes(key);

/** The customs flag a config key sets: its own name, or Trivy's name for it; undefined when it sets none. */
function flagForKey(
  file: string,
  rawKey: string,
  value: unknown,
  flags: ReadonlySet<string>,
  warn: (m: string) => void,
  licenseDiffs: string[],
): string | undefined {
  if (TRIVY_CONFIG_KEYS.has(rawKey)) return TRIVY_CONFIG_KEYS.get(rawKey);
  const category = TRIVY_LICENSE_CATEGORY_KEYS.get(rawKey);
  if (category !== undefined) {
    licenseDiffs.push(...licenseCategoryDifferences(rawKey, category, value));
    return undefined;
  }
  const isTrivyKey = (m: ReadonlyMap<string, string>) => [...m].some(([f, k]) => k === rawKey || f === rawKey);
  if (isTrivyKey(NO_EFFECT_TRIVY_OPTIONS) || NO_EFFECT_CONFIG_KEYS.has(rawKey)) {
    if (!isInertTrivyValue(rawKey, value)) warn(`${file}: Trivy's "${rawKey}" has no effect in customs; ignored`);
    return undefined;
  }
  const dashed = rawKey.replace(/_/g, '-');
  if (flags.has(dashed)) return dashed;
  if (isTrivyKey(UNSUPPORTED_TRIVY_OPTIONS)) {
    // Spelled out at a value that asks for nothing (as `--generate-default-config` writes them): no different result.
    if (isInertTrivyValue(rawKey, value)) return undefined;
    throw new UserError(
      `${file}: customs does not support Trivy's "${rawKey}"`,
      'remove it; scanning without it would give a different result',
    );
  }
  return dashed;
}

/**
 * Trivy's `license.<category>` list: the ids customs' table puts elsewhere. They matter only when the
 * licence scanner runs (applyConfigFile checks that once every key is read).
 */
function licenseCategoryDifferences(rawKey: string, category: string, value: unknown): string[] {
  const ids = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return ids
    .map((id) => id.trim())
    .filter(Boolean)
    .map((id) => [id, classifyLicense(id).category] as const)
    .filter(([, got]) => got !== category)
    .map(([id, got]) => `${rawKey}: ${id} (customs: ${got})`);
}

/** Trivy's default optional files (`ignorefile: .trivyignore`) when absent: unset, as Trivy treats them. */
function absentOptionalFile(rawKey: string, value: unknown): boolean {
  return typeof value === 'string' && TRIVY_OPTIONAL_FILES.get(rawKey) === value && !existsSync(value);
}

/** The file named with --config, else customs.yaml, else trivy.yaml in the working dir. */
export function findConfigFile(cmd: Command): string | undefined {
  const flag = cmd.getOptionValue('config') as string | undefined;
  if (flag !== undefined) return flag;
  return ['customs.yaml', 'trivy.yaml'].find((f) => existsSync(f));
}

export function applyConfigFile(cmd: Command): void {
  const implicit = cmd.getOptionValue('config') === undefined;
  const leftOut: string[] = [];
  const warnings: string[] = [];
  const licenseDiffs: string[] = [];
  const file = findConfigFile(cmd);
  if (!file) return;
  let doc: unknown;
  try {
    doc = parseUntrustedYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(
      `${file}: ${(e as Error).message.split('\n')[0]}`,
      'fix the YAML, or pass --config with another file',
    );
  }
  if (doc === null || doc === undefined) return;
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new UserError(`${file}: the top level must be a mapping of flag names to values`);
  const options = new Map(cmd.options.filter((o) => o.long).map((o) => [o.long!.slice(2), o]));
  for (const [rawKey, value] of flatten(doc as Record<string, unknown>)) {
    if (isSendingSection(rawKey)) {
      // Checked here so a typo fails every command early; used only with --notify and by notify/push (src/notify/load.ts).
      sendingSections({ [rawKey]: value }, file);
      continue;
    }
    if (rawKey === 'security_gates') {
      cmd.setOptionValueWithSource('securityGates', parseGates(value, file), 'config');
      setOrigin(cmd, 'securityGates', `${file}: ${rawKey}`);
      continue;
    }
    const key = flagForKey(file, rawKey, value, new Set(options.keys()), (m) => warnings.push(m), licenseDiffs);
    if (key === undefined) continue;
    if (implicit && options.has(key) && key !== 'config' && !IMPLICIT_CONFIG_KEYS.has(key)) {
      leftOut.push(rawKey);
      continue;
    }
    const opt = options.get(key);
    if (!opt && TRIVY_CONFIG_KEYS.has(rawKey)) {
      // One trivy.yaml serves every Trivy command: `image.input` is no error for `sbom`.
      warnings.push(`${file}: "${rawKey}" does not apply to customs ${cmd.name()}; ignored`);
      continue;
    }
    if (!opt || key === 'config') {
      const near = [...options.keys(), 'security_gates'].sort((a, b) => distance(key, a) - distance(key, b))[0];
      throw new UserError(`${file}: unknown key "${rawKey}"`, `did you mean "${near}"?`);
    }
    // Empty values ask for the default, as in Trivy (whose generated files spell every option out).
    if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    if (absentOptionalFile(rawKey, value)) continue;
    const attr = opt.attributeName();
    if (cmd.getOptionValueSource(attr) === 'cli' || cmd.getOptionValueSource(attr) === 'env') continue;
    let v: unknown = value;
    const repeatable = opt.variadic || Array.isArray(opt.defaultValue);
    if (Array.isArray(value)) v = repeatable ? value.map(String) : value.map(String).join(',');
    else if (typeof value === 'number') v = String(value);
    else if (typeof value !== 'string' && typeof value !== 'boolean')
      throw new UserError(`${file}: "${rawKey}" must be a string, number, boolean or list`);
    if (repeatable && !Array.isArray(v)) v = [String(v)];
    // `no-cache: true` (or Trivy's `db.no-progress: true`) turns the option off, as the flag does.
    if (opt.negate) v = !(v === true || v === 'true' || v === '1');
    cmd.setOptionValueWithSource(attr, v, 'config');
    setOrigin(cmd, attr, `${file}: ${rawKey}`);
  }
  // Trivy's licence categories change a result only when licences are scanned; there, a difference is an error.
  const scanners = String(cmd.getOptionValue('securityChecks') ?? cmd.getOptionValue('scanners') ?? '');
  if (licenseDiffs.length && scanners.split(',').includes('license'))
    throw new UserError(
      `${file}: customs classifies ${licenseDiffs.slice(0, 3).join(', ')}${licenseDiffs.length > 3 ? ` and ${licenseDiffs.length - 3} more` : ''} otherwise`,
      "customs classifies licences by Google's licenseclassifier table; remove those ids, or list them in license.forbidden",
    );
  if (leftOut.length)
    warnings.push(
      `${file}: found in the working directory, so ${leftOut.join(', ')} ${leftOut.length > 1 ? 'were' : 'was'} ignored: keys that read or write files, choose data sources or carry credentials apply only from a file named with --config`,
    );
  warnAll(cmd, warnings);
}

/** Warnings on stderr in the log format, unless --quiet (from any layer). */
export function warnAll(cmd: Command, warnings: string[]): void {
  if (cmd.getOptionValue('quiet')) return;
  for (const w of warnings) process.stderr.write(`${new Date().toISOString()}\tWARN\t${w}\n`);
}
