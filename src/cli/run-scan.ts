/**
 * One scan from the command line: flags and environment become a typed
 * request (parsed once, here at the edge), the library scans, and the CLI
 * renders the report and sets the exit code.
 */
import { accessSync, closeSync, constants, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScanRequest, ScanTarget } from '../api/request.js';
import type { SignatureVerification } from '../model/signature.js';
import { render } from '../api/render.js';
import { scanReport, type ScanOutcome } from '../api/scan.js';
import { SCANNER_NAMES, type ScannerName } from '../model/scanners.js';
import {
  countFindings,
  countFindingsAtLeast,
  parsePkgTypes,
  parseSeverities,
  parseSeverity,
} from '../policy/filter.js';
import type { Rendered } from '../report/format/index.js';
import { asffTargetFromEnv } from '../report/format/asff.js';
import { writeAll, writeFileAtomic } from '../util/atomic-file.js';
import { collectIfGrown } from '../util/early-release.js';
import { UserError } from '../util/errors.js';
import { StderrLogger, type Logger } from '../util/log.js';
import { parseDuration, positiveInt } from './flag-values.js';
import { armScanTimeout } from './limits.js';
import { createProgress, type Progress } from './progress.js';
import { policyOptionsFrom, type ScanFlags } from './scan-flags.js';
import { loadCheckedTemplate } from './template-spec.js';
import { ScanNotifier, type NotifyFlags } from './scan-notify.js';

export function parseScanners(list: string): ScannerName[] {
  const out: ScannerName[] = [];
  for (let s of list
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (s === 'none') continue;
    // Trivy before 0.46 and `--security-checks` call the misconfiguration scanner `config`.
    if (s === 'config') s = 'misconfig';
    if (!(SCANNER_NAMES as readonly string[]).includes(s))
      throw new UserError(`unknown scanner "${s}"`, `use any of ${SCANNER_NAMES.join(',')}`);
    if (!out.includes(s as ScannerName)) out.push(s as ScannerName);
  }
  return out;
}

/** The scanner list asked for: `--security-checks` (older Trivy's spelling) when given, else `--scanners`. */
export function scannerList(flags: Pick<ScanFlags, 'scanners' | 'securityChecks'>): string {
  return flags.securityChecks ?? flags.scanners;
}

export function makeLogger(flags: Pick<ScanFlags, 'debug' | 'quiet'>): Logger {
  return new StderrLogger(flags.debug ? 'debug' : 'info', flags.quiet ?? false);
}

/** The library request the flags describe. Every flag value is checked here, before any slow work. */
export function requestFromFlags(
  target: ScanTarget,
  flags: ScanFlags,
  logger: Logger,
  progress: Progress,
): ScanRequest {
  const parallel = Math.max(1, positiveInt(flags.parallel, '--parallel') ?? 2);
  return {
    ...target,
    scanners: parseScanners(scannerList(flags)),
    severities: [...parseSeverities(flags.severity)],
    ignoreUnfixed: flags.ignoreUnfixed ?? false,
    kevOnly: flags.kevOnly ?? false,
    pkgTypes: [...parsePkgTypes(flags.vulnType ?? flags.pkgTypes)],
    includeDevDeps: flags.includeDevDeps ?? false,
    matchOsOwned: flags.matchOsOwned ?? false,
    ignoreFile: flags.ignorefile,
    vex: flags.vex,
    skipDirs: flags.skipDirs ?? [],
    skipFiles: flags.skipFiles ?? [],
    secretConfig: flags.secretConfig,
    secretSkipBase: flags.secretSkipBase ?? false,
    licenseForbidden: (flags.licenseForbidden ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    securityGates: flags.securityGates,
    policies: policyOptionsFrom(flags),
    cacheDir: flags.cacheDir,
    layerCache: flags.cache,
    cacheMaxBytes: positiveInt(flags.cacheMaxSize, '--cache-max-size'),
    dbSources: flags.dbSource,
    kevSource: flags.kevSource,
    epssSource: flags.epssSource,
    dbMaxAgeMs: flags.dbMaxAge === undefined ? undefined : parseDuration(flags.dbMaxAge, '--db-max-age'),
    skipDbUpdate: (flags.skipDbUpdate ?? false) || (flags.offlineScan ?? false),
    parallel,
    limits: {
      maxLayers: positiveInt(flags.maxLayers, '--max-layers'),
      maxLayerBytes: positiveInt(flags.maxLayerSize, '--max-layer-size'),
      maxCompressionRatio: positiveInt(flags.maxCompressionRatio, '--max-compression-ratio'),
      maxEntriesPerLayer: positiveInt(flags.maxEntriesPerLayer, '--max-entries-per-layer'),
      memoryBudgetBytes: positiveInt(flags.memoryBudget, '--memory-budget'),
      maxSbomBytes: positiveInt(flags.maxSbomSize, '--max-sbom-size'),
      maxSbomComponents: positiveInt(flags.maxSbomComponents, '--max-sbom-components'),
    },
    timeoutMs: parseDuration(flags.timeout ?? '10m', '--timeout'),
    logger,
    onProgress: (p) => progress.update(p),
  };
}

/**
 * Writes the report to stdout or to `output`, in pieces of about 64 KiB as it
 * is rendered. A file is replaced atomically (util/atomic-file.ts: an
 * exclusive temp file with an unpredictable name beside it, renamed over
 * it); anything else that exists there (/dev/null, a FIFO, a terminal) is
 * written to, never replaced.
 */
export function writeReport(rendered: Rendered, output: string | undefined): void {
  if (!output) {
    inPieces(rendered, (text) => {
      process.stdout.write(text);
    });
    return;
  }
  const existing = statSync(output, { throwIfNoEntry: false });
  const writeAllPieces = (fd: number): void => inPieces(rendered, (text) => writeAll(fd, Buffer.from(text)));
  if (existing && !existing.isFile()) {
    const fd = openSync(output, 'w');
    try {
      writeAllPieces(fd);
    } finally {
      closeSync(fd);
    }
    return;
  }
  writeFileAtomic(output, writeAllPieces);
}

/** The report's destination, checked before the scan: a missing or read-only directory fails at once. */
export function checkOutputWritable(output: string | undefined): void {
  if (!output) return;
  const existing = statSync(output, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw new UserError(`--output ${output}: a directory`, 'name a file to write');
  if (existing) return;
  const dir = dirname(output);
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory())
    throw new UserError(`--output ${output}: no directory ${dir}`, 'create it first, or name another file');
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UserError(`--output ${output}: cannot write in ${dir}`, 'name a file in a writable directory');
  }
}

/**
 * Colours only for a person at a terminal: the report on stdout, stdout a
 * TTY, and NO_COLOR (no-color.org) unset or empty. A file never gets escape codes.
 */
export function wantsColor(output: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return !output && process.stdout.isTTY === true && !env['NO_COLOR'] && env['TERM'] !== 'dumb';
}

const WRITE_PIECE = 64 * 1024;

function inPieces(rendered: Rendered, write: (text: string) => void): void {
  if (typeof rendered === 'string') {
    write(rendered);
    return;
  }
  let pending = '';
  for (const chunk of rendered) {
    pending += chunk;
    if (pending.length >= WRITE_PIECE) {
      write(pending);
      pending = '';
    }
  }
  if (pending) write(pending);
}

/** Scans with the library, the CLI's deadline armed as a backstop for work a signal cannot interrupt. */
export async function scanFromFlags(
  target: ScanTarget,
  flags: ScanFlags,
  logger: Logger,
  progress: Progress = progressFor(flags),
): Promise<ScanOutcome> {
  const request = requestFromFlags(target, flags, logger, progress);
  const disarm = armScanTimeout(flags, logger);
  try {
    return await scanReport(request);
  } finally {
    progress.done();
    disarm();
  }
}

export async function runScan(
  target: ScanTarget,
  flags: ScanFlags & NotifyFlags,
  signatures?: SignatureVerification,
): Promise<void> {
  const logger = makeLogger(flags);
  const notifier = ScanNotifier.prepare(flags, logger);
  const exitCode = positiveInt(flags.exitCode, '--exit-code') ?? 0;
  const exitOnEol = positiveInt(flags.exitOnEol, '--exit-on-eol');
  const failOn = flags.failOn === undefined ? undefined : parseSeverity(flags.failOn, '--fail-on');
  const template = flags.format === 'template' ? loadCheckedTemplate(flags.template) : undefined;
  if (flags.template !== undefined && flags.format !== 'template')
    logger.warn(`--template applies only to --format template; writing ${flags.format}`);
  if (flags.format === 'asff') asffTargetFromEnv(process.env);
  checkOutputWritable(flags.output);
  const progress = progressFor(flags);
  let outcome: ScanOutcome;
  try {
    outcome = await scanFromFlags(target, flags, logger, progress);
  } catch (e) {
    await notifier?.scanFailed(
      target.image ?? target.input ?? target.rootfs ?? target.fs ?? target.repo ?? target.sbom ?? 'scan',
      e,
    );
    throw e;
  }
  const { report, eosl } = outcome;
  if (signatures) report.metadata.signatures = signatures;
  collectIfGrown();
  const listAllPkgs = flags.listAllPkgs ?? false;
  const rendered = render(outcome, flags.format, {
    listAllPkgs,
    listPackages: listAllPkgs || parseScanners(scannerList(flags)).length === 0,
    showSuppressed: flags.showSuppressed ?? false,
    template,
    color: wantsColor(flags.output),
  });
  writeReport(rendered, flags.output);
  await notifier?.afterScan(outcome);
  if (exitCode && countFindings(report) > 0) process.exitCode = exitCode;
  if (failOn && countFindingsAtLeast(report, failOn) > 0) process.exitCode = exitCode || 1;
  if (report.gates?.some((g) => !g.pass)) {
    for (const g of report.gates.filter((x) => !x.pass))
      logger.error(
        g.gate === 'policy'
          ? `policy denied the scan: ${g.count} deny/violation result(s) (listed in the report)`
          : `security gate ${g.gate} failed: ${g.count} over the limit ${g.limit}`,
      );
    process.exitCode = exitCode || 1;
  }
  if (exitOnEol && eosl) process.exitCode = exitOnEol;
  progress.finish();
}

/** The progress display: on a terminal, unless --quiet or --no-progress. */
function progressFor(flags: Pick<ScanFlags, 'quiet' | 'progress'>): Progress {
  return createProgress(!flags.quiet && flags.progress !== false);
}
