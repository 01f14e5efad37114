/**
 * The flags every scanning command shares, named as Trivy names them so
 * pipelines can switch by changing the binary.
 */
import { Command, Option } from 'commander';
import { FORMATS, type FormatName } from '../api/render.js';
import type { Gates } from '../policy/gates.js';
import { applyConfigFile, warnAll } from './config-file.js';
import { applyEnvironment } from './env-flags.js';
import { applyOutputSpelling } from './output-spelling.js';
import { debugDump } from './config-dump.js';
import type { PolicyOptions } from '../policy/rego/policies.js';
import { UserError } from '../util/errors.js';
import { parseDuration } from './flag-values.js';

export interface ScanFlags {
  format: FormatName;
  output?: string;
  template?: string;
  cacheDir?: string;
  cache: boolean;
  scanners: string;
  listAllPkgs?: boolean;
  includeDevDeps?: boolean;
  severity: string;
  exitCode: string;
  ignoreUnfixed?: boolean;
  pkgTypes: string;
  vulnType?: string;
  exitOnEol?: string;
  skipDbUpdate?: boolean;
  offlineScan?: boolean;
  dbSource?: string[];
  kevSource?: string;
  epssSource?: string;
  dbMaxAge?: string;
  kevOnly?: boolean;
  matchOsOwned?: boolean;
  parallel: string;
  cacheMaxSize?: string;
  ignorefile?: string;
  vex?: string[];
  showSuppressed?: boolean;
  licenseForbidden?: string;
  secretConfig?: string;
  secretSkipBase?: boolean;
  /** From the config file's `security_gates`. */
  securityGates?: Gates;
  quiet?: boolean;
  debug?: boolean;
  maxLayerSize?: string;
  maxCompressionRatio?: string;
  maxEntriesPerLayer?: string;
  maxLayers?: string;
  memoryBudget?: string;
  maxSbomSize?: string;
  maxSbomComponents?: string;
  timeout: string;
  /** `--no-progress` (Trivy's): commander's negation sets this false. */
  progress?: boolean;
  securityChecks?: string;
  failOn?: string;
  /** Syft's output file; resolved into `output`. */
  file?: string;
  /** `--skip-dirs` / `--skip-files`: globs, repeatable and comma-separated. */
  skipDirs: string[];
  skipFiles: string[];
  /** `--policy`, `--data`, `--namespace` (repeatable) and `--policy-deadline`. */
  policy: string[];
  data: string[];
  namespace: string[];
  policyDeadline?: string;
}

/** A repeatable flag whose values may also be comma-separated, as Trivy's string lists. */
function commaList(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** A repeatable flag (values kept whole: a path may hold a comma). */
function repeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Conftest's policy flags, shared by the scanning commands and `customs config`. */
export function addPolicyFlags(cmd: Command): Command {
  return cmd
    .option(
      '--policy <path>',
      'Rego policy file or directory, repeatable: deny/violation results fail the scan, warn results are reported',
      repeated,
      [],
    )
    .option('--data <file>', "JSON or YAML file merged into the policies' data, repeatable", repeated, [])
    .option(
      '--namespace <package>',
      'policy package to evaluate, repeatable (default: every package with deny, violation or warn rules)',
      repeated,
      [],
    )
    .option('--policy-deadline <duration>', "one policy package's evaluation time over one input (default 5s)");
}

/** The policy options the flags name, checked at once (undefined without --policy). */
export function policyOptionsFrom(
  flags: Pick<ScanFlags, 'policy' | 'data' | 'namespace' | 'policyDeadline'>,
): PolicyOptions | undefined {
  if (!flags.policy.length) {
    if (flags.data.length || flags.namespace.length)
      throw new UserError('--data and --namespace apply to --policy', 'name the policies with --policy PATH');
    return undefined;
  }
  return {
    paths: flags.policy,
    dataFiles: flags.data,
    namespaces: flags.namespace,
    ...(flags.policyDeadline === undefined
      ? {}
      : { deadlineMs: parseDuration(flags.policyDeadline, '--policy-deadline') }),
  };
}

/**
 * Fills in every flag not given on the command line, in precedence order:
 * CUSTOMS_* > TRIVY_* (src/cli/env-flags.ts), then the config file, which
 * skips flags already set; what is left keeps commander's default.
 */
export function resolveScanFlags(cmd: Command, env: NodeJS.ProcessEnv = process.env): void {
  const warnings = applyEnvironment(cmd, env);
  applyConfigFile(cmd);
  warnAll(cmd, warnings);
  notify(cmd, applyOutputSpelling(cmd));
  debugDump(cmd);
}

/** Informational notes on stderr in the log format, unless --quiet. */
function notify(cmd: Command, notes: string[]): void {
  if (cmd.getOptionValue('quiet')) return;
  for (const n of notes) process.stderr.write(`${new Date().toISOString()}\tINFO\t${n}\n`);
}

export function addScanFlags(cmd: Command): Command {
  cmd.hook('preAction', (c) => resolveScanFlags(c));
  return addPolicyFlags(cmd)
    .addOption(
      new Option('-f, --format <format>', 'report format').choices(FORMATS as unknown as string[]).default('table'),
    )
    .option(
      '-o, --output <file>',
      'write the report to a file instead of stdout (a bare format name, as Syft and Grype use -o, is the format)',
    )
    .option('--file <file>', "Syft's name for the output file (-o FORMAT --file FILE)")
    .option('-t, --template <@file|text>', 'Handlebars template for --format template, rendered over the JSON report')
    .option('--cache-dir <dir>', 'cache directory (env CUSTOMS_CACHE_DIR; default: the user cache dir)')
    .option('--no-cache', 'do not read or write the per-layer cache')
    .option(
      '--cache-max-size <bytes>',
      'prune the per-layer cache, least recently used first, beyond this size',
      String(2 * 1024 ** 3),
    )
    .option('--scanners <list>', 'comma-separated: vuln,secret,misconfig,license (none: inventory only)', 'vuln')
    .option('--list-all-pkgs', 'list every package in json/table output, not only vulnerable ones')
    .option('--include-dev-deps', 'include development-only lockfile entries')
    .option('-s, --severity <list>', 'severities to report', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL')
    .option('--exit-code <n>', 'exit code when findings remain in the report', '0')
    .option('--ignore-unfixed', 'report only vulnerabilities that have a fix')
    .option('--pkg-types <list>', 'package types to scan for vulnerabilities: os,library', 'os,library')
    .option('--vuln-type <list>', 'alias of --pkg-types, as older Trivy named it')
    .option('--exit-on-eol <n>', 'exit with this code when the OS is past its end of life')
    .option('--skip-db-update', 'never update the vulnerability database')
    .option('--offline-scan', 'never touch the network for the database')
    .option('--db-source <src...>', 'OSV export location(s): URL or directory (env CUSTOMS_DB_SOURCE)')
    .option(
      '--kev-source <file|url>',
      "CISA KEV catalog for database builds (env CUSTOMS_KEV_SOURCE; default: CISA's published URL; none: without)",
    )
    .option('--epss-source <file|url>', 'FIRST EPSS CSV, gzip or plain, for database builds (env CUSTOMS_EPSS_SOURCE)')
    .option(
      '--db-max-age <duration>',
      'refresh (or, with --skip-db-update, warn about) a database older than this (env CUSTOMS_DB_MAX_AGE; default 24h; 0: never)',
    )
    .option(
      '--kev-only',
      "report (and count for --exit-code and gates) only findings in CISA's Known Exploited Vulnerabilities catalog",
    )
    .option(
      '--ignorefile <file>',
      'ignore rules (default: .customsignore, else .trivyignore, else .trivyignore.yaml in the working dir)',
    )
    .option('--vex <file...>', 'OpenVEX or CycloneDX VEX documents (files or directories)')
    .option('--secret-config <file>', 'secret rules to add, disable or allow (YAML: rules, disable-rules, allow-rules)')
    .option('--secret-skip-base', 'do not scan the base image layers for secrets')
    .option(
      '--license-forbidden <list>',
      'SPDX ids to classify as forbidden (e.g. AGPL-3.0-only,SSPL-1.0); findings gate with --severity CRITICAL',
    )
    .option('--show-suppressed', 'list the findings ignore rules and VEX suppressed')
    .option('--match-os-owned', 'also match language packages that the OS package manager installed')
    .option('--parallel <n>', 'layers analysed at once', '2')
    .option('--max-layer-size <bytes>', 'largest decompressed layer accepted (default 64 GiB)')
    .option('--max-compression-ratio <n>', 'largest decompressed/compressed ratio accepted (default 1000)')
    .option(
      '--memory-budget <bytes>',
      'memory the scan may use for file contents: one file read takes at most budget/(2 x --parallel) (default 1 GiB: 256 MiB per file)',
    )
    .option('--max-entries-per-layer <n>', 'most tar entries accepted in one layer (default 2000000)')
    .option('--max-layers <n>', 'most layers accepted in one image (default 500)')
    .option('--max-sbom-size <bytes>', 'largest SBOM document accepted (default 256 MiB)')
    .option('--max-sbom-components <n>', 'most components accepted in one SBOM (default 500000)')
    .option('--timeout <duration>', 'give up when the scan takes longer (e.g. 90s, 5m, 1h)', '10m')
    .option(
      '--config <file>',
      'config file: customs flags and security_gates, or trivy.yaml layout (default: customs.yaml, else trivy.yaml, in the working dir)',
    )
    .option('-q, --quiet', 'no progress or informational messages')
    .option('-d, --debug', 'debug messages')
    .option('--no-progress', 'no progress display (it shows only on a terminal anyway)')
    .option('--security-checks <list>', "older Trivy's name for --scanners (config = misconfig); wins over --scanners")
    .option(
      '--skip-dirs <globs>',
      'directories not scanned: globs (** for any depth) relative to the target (an image: to /); repeatable, comma-separated',
      commaList,
      [],
    )
    .option(
      '--skip-files <globs>',
      'files not scanned (never read): globs relative to the target; repeatable, comma-separated',
      commaList,
      [],
    )
    .option(
      '--fail-on <severity>',
      "Grype's gate: exit 1 (or --exit-code) when a finding of this severity or above remains",
    );
}
