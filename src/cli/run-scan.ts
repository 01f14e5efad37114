/**
 * One scan from the command line: open the image, inventory it, run the
 * detectors asked for, filter, render, and set the exit code.
 */
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { loadIgnoreFile } from '../policy/ignore.js';
import { applyDecisions } from '../policy/suppress.js';
import { loadVex } from '../policy/vex.js';
import type { Report } from '../report/model.js';
import { evaluateGates } from '../policy/gates.js';
import { cycloneDxValidator, spdxValidator } from '../report/validate.js';
import { renderCycloneDx } from '../report/format/cyclonedx.js';
import { renderSpdxJson } from '../report/format/spdx-json.js';
import { loadTemplate } from '../report/format/template.js';
import { inventoryImage } from '../scanner/inventory.js';
import { defaultScanOptions, SCANNER_NAMES, type ScannerName, type ScanOptions } from '../scanner/options.js';
import type { Artifact } from '../artifact/artifact.js';
import { buildReport } from '../report/build.js';
import { renderReport, type Rendered } from '../report/format/index.js';
import { applyFindingFilter, countFindings, parsePkgTypes, parseSeverities } from '../policy/filter.js';
import type { Image } from '../source/image.js';
import { StderrLogger, type Logger } from '../util/log.js';
import { UserError } from '../util/errors.js';
import { writeAll, writeFileAtomic } from '../util/atomic-file.js';
import { resolveCacheDir } from './cache-dir.js';
import { createProgress } from './progress.js';
import { positiveInt } from './flag-values.js';
import { armScanTimeout, walkLimits } from './limits.js';
import type { ScanFlags } from './scan-flags.js';
import { toolVersion } from './main.js';
import { detectVulnerabilities } from '../scanner/vulns.js';
import { ensureVulnDb } from './db-ready.js';
import { secretResults } from '../scanner/secrets.js';
import { licenceResults } from '../scanner/licenses.js';
import { checkImageConfig } from '../detect/misconfig/image-config.js';
import { configSecretValues, redactText } from '../analyzer/secret/config.js';
import { applySecretConfig, loadSecretConfig } from '../analyzer/secret/config-file.js';
import { builtinRules } from '../analyzer/secret/rules.js';
import { collectIfGrown } from '../util/early-release.js';
import { FileLayerCache } from '../artifact/layer-cache.js';

export function parseScanners(list: string): ScannerName[] {
  const out: ScannerName[] = [];
  for (const s of list.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (s === 'none') continue;
    if (!(SCANNER_NAMES as readonly string[]).includes(s)) throw new UserError(`unknown scanner "${s}"`, `use any of ${SCANNER_NAMES.join(',')}`);
    if (!out.includes(s as ScannerName)) out.push(s as ScannerName);
  }
  return out;
}

export function makeLogger(flags: Pick<ScanFlags, 'debug' | 'quiet'>): Logger {
  return new StderrLogger(flags.debug ? 'debug' : 'info', flags.quiet ?? false);
}

/**
 * Writes the report to stdout or to `output`, in pieces of about 64 KiB as it
 * is rendered. A file is replaced atomically (util/atomic-file.ts: an
 * exclusive temp file with an unpredictable name beside it, renamed over
 * it); anything else that exists there (/dev/null, a FIFO, a terminal) is
 * written to, never replaced.
 */
export function writeReport(rendered: Rendered, output: string | undefined): void {
  if (!output) { inPieces(rendered, (text) => { process.stdout.write(text); }); return; }
  const existing = statSync(output, { throwIfNoEntry: false });
  const writeAllPieces = (fd: number): void => inPieces(rendered, (text) => writeAll(fd, Buffer.from(text)));
  if (existing && !existing.isFile()) {
    const fd = openSync(output, 'w');
    try { writeAllPieces(fd); } finally { closeSync(fd); }
    return;
  }
  writeFileAtomic(output, writeAllPieces);
}

const WRITE_PIECE = 64 * 1024;

function inPieces(rendered: Rendered, write: (text: string) => void): void {
  if (typeof rendered === 'string') { write(rendered); return; }
  let pending = '';
  for (const chunk of rendered) {
    pending += chunk;
    if (pending.length >= WRITE_PIECE) { write(pending); pending = ''; }
  }
  if (pending) write(pending);
}

/** `sbom_validation: required`: both SBOM formats must render and validate against their official schemas. */
function sbomValidates(report: Report): boolean {
  const opts = { toolName: 'customs', toolVersion: toolVersion() };
  try {
    return cycloneDxValidator()(JSON.parse(renderCycloneDx(report, opts))) && spdxValidator()(JSON.parse(renderSpdxJson(report, opts)));
  } catch {
    return false;
  }
}

/** The ignore file named, or the first of the usual names present in the working dir. */
function ignoreFileOf(flag: string | undefined): string | undefined {
  if (flag) return flag;
  return ['.customsignore', '.trivyignore', '.trivyignore.yaml'].find((f) => existsSync(f));
}

function applyTeamDecisions(report: Report, flags: ScanFlags, logger: Logger): Report {
  const file = ignoreFileOf(flags.ignorefile);
  const ignore = file ? loadIgnoreFile(file) : [];
  const vex = (flags.vex ?? []).flatMap((v) => loadVex(v));
  if (!ignore.length && !vex.length) return report;
  const { report: decided, expired } = applyDecisions(report, { ignore, vex, now: new Date() });
  for (const r of expired) logger.warn(`ignore rule ${r.id} (${r.origin}) expired on ${r.expiresAt}; it no longer applies`);
  return decided;
}

/** What a scan runs on: an opened image and its inventory (from layers or from an SBOM). */
export type Collect = (logger: Logger, opts: ScanOptions) => Promise<{ image: Image; artifact: Artifact }>;

/** The collector for images and filesystems: open, then walk the layers. */
export function fromImage(open: (logger: Logger) => Promise<Image>): Collect {
  return async (logger, opts) => {
    const image = await open(logger);
    try {
      return { image, artifact: (await inventoryImage(image, opts)).artifact };
    } catch (e) {
      await image.close();
      throw e;
    }
  };
}

export interface ScanOutcome { report: Report; redact: string[]; eosl: boolean }

/** Everything up to the report: open, inventory, detect, decide, filter, gate. */
export async function scanToReport(collect: Collect, flags: ScanFlags, artifactType: Report['artifactType'], logger: Logger): Promise<ScanOutcome> {
  const scanners = parseScanners(flags.scanners);
  const severities = parseSeverities(flags.severity);
  const pkgTypes = parsePkgTypes(flags.vulnType ?? flags.pkgTypes);
  const cacheDir = resolveCacheDir(flags.cacheDir);
  const progress = createProgress(!flags.quiet);
  const db = scanners.includes('vuln') ? await ensureVulnDb(cacheDir, flags, logger, progress) : undefined;
  const parallel = Math.max(1, positiveInt(flags.parallel, '--parallel') ?? 2);
  const opts = defaultScanOptions({
    scanners,
    cacheDir: flags.cache ? cacheDir : undefined,
    cacheMaxBytes: positiveInt(flags.cacheMaxSize, '--cache-max-size'),
    parallel,
    includeDevDeps: flags.includeDevDeps ?? false,
    secretConfig: flags.secretConfig ? loadSecretConfig(flags.secretConfig) : undefined,
    secretSkipBase: flags.secretSkipBase ?? false,
    limits: walkLimits(flags, parallel),
    logger,
    onLayerDone: (done, total) => { collectIfGrown(); progress.update(`analysing layers ${done}/${total}`); },
  });
  const { image, artifact } = await collect(logger, opts);
  collectIfGrown();
  try {
    progress.done();
    let report = buildReport(image, artifact, { artifactType });
    if (db) {
      const cache = opts.cacheDir ? new FileLayerCache(opts.cacheDir, (m) => logger.warn(m)) : undefined;
      report = detectVulnerabilities(report, artifact, db, { matchOsOwned: flags.matchOsOwned ?? false, logger, cache });
      if (cache && opts.cacheMaxBytes !== undefined) cache.pruneIfWritten(opts.cacheMaxBytes);
      db.close(); // its memory-mapped pages leave the process with it, before the report is built
    }
    const secretRules = opts.secretConfig ? applySecretConfig(builtinRules, opts.secretConfig) : undefined;
    if (scanners.includes('secret')) report = { ...report, results: [...report.results, ...secretResults(artifact, image.config, secretRules)] };
    if (scanners.includes('misconfig')) {
      const failed = checkImageConfig({ config: image.config, setidFiles: artifact.merged.setidFiles }).filter((m) => m.status === 'FAIL');
      report = { ...report, results: [...report.results, { target: 'image config', class: 'config', type: 'image-config', misconfigurations: failed }] };
    }
    if (scanners.includes('license')) report = { ...report, results: [...report.results, ...licenceResults(report, new Set((flags.licenseForbidden ?? '').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)))] };
    for (const w of report.warnings) logger.warn(w);
    if (artifact.os?.eosl) logger.warn(`${artifact.os.family} ${artifact.os.name} is past its end of life${artifact.os.eolDate ? ` (${artifact.os.eolDate})` : ''}: it gets no security fixes and the results may be incomplete`);
    report = applyTeamDecisions(report, flags, logger);
    report = applyFindingFilter(report, { severities, ignoreUnfixed: flags.ignoreUnfixed ?? false, pkgTypes });
    if (flags.securityGates) report = { ...report, gates: evaluateGates(flags.securityGates, report, flags.securityGates.sbomValidation ? sbomValidates(report) : undefined) };
    // Secrets in the config also sit in history lines and layer `created_by` all over the report.
    return { report, redact: scanners.includes('secret') ? configSecretValues(image.config) : [], eosl: artifact.os?.eosl === true };
  } finally {
    db?.close();
    progress.done();
    await image.close();
  }
}

export async function runScan(collect: Collect, flags: ScanFlags, artifactType: Report['artifactType']): Promise<void> {
  const logger = makeLogger(flags);
  const exitCode = positiveInt(flags.exitCode, '--exit-code') ?? 0;
  const exitOnEol = positiveInt(flags.exitOnEol, '--exit-on-eol');
  const disarm = armScanTimeout(flags, logger);
  let outcome: ScanOutcome;
  try { outcome = await scanToReport(collect, flags, artifactType, logger); } finally { disarm(); }
  const { report, redact, eosl } = outcome;
  collectIfGrown();
  const rendered = renderReport(report, flags.format, {
    toolName: 'customs', toolVersion: toolVersion(),
    listAllPkgs: flags.listAllPkgs ?? false,
    listPackages: (flags.listAllPkgs ?? false) || parseScanners(flags.scanners).length === 0,
    showSuppressed: flags.showSuppressed ?? false,
    template: flags.format === 'template' ? loadTemplate(flags.template) : undefined,
  });
  // Redaction needs the whole text; it applies only when the image config itself holds secrets.
  writeReport(redact.length ? redactText(typeof rendered === 'string' ? rendered : [...rendered].join(''), redact) : rendered, flags.output);
  if (exitCode && countFindings(report) > 0) process.exitCode = exitCode;
  if (report.gates?.some((g) => !g.pass)) {
    for (const g of report.gates.filter((x) => !x.pass)) logger.error(`security gate ${g.gate} failed: ${g.count} over the limit ${g.limit}`);
    process.exitCode = exitCode || 1;
  }
  if (exitOnEol && eosl) process.exitCode = exitOnEol;
}
