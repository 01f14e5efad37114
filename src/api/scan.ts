/**
 * One scan, start to finish, as the library runs it: open the target,
 * inventory it, run the detectors asked for, apply the team's decisions,
 * filter and gate. The CLI, the server and other programs all call this.
 */
import { existsSync } from 'node:fs';
import { loadSecretConfig } from '../analyzer/secret/config-file.js';
import { findConfigSecrets } from '../analyzer/secret/config.js';
import { SecretMatcher } from '../analyzer/secret/matcher.js';
import { pathSecretValues, redactReport } from '../analyzer/secret/redact-report.js';
import { FileLayerCache } from '../artifact/layer-cache.js';
import { checkImageConfig } from '../detect/misconfig/image-config.js';
import { DEFAULT_MEMORY_BUDGET, defaultWalkLimits, fileBytesForBudget, type WalkLimits } from '../layer/limits.js';
import type { Artifact } from '../model/artifact.js';
import type { ImageConfig } from '../model/image-config.js';
import type { Report, Severity } from '../model/report.js';
import { SEVERITIES } from '../model/report.js';
import { applyFindingFilter } from '../policy/filter.js';
import { evaluateGates } from '../policy/gates.js';
import { scanInput } from '../policy/rego/input.js';
import { evaluatePolicies, loadPolicies, policyResult, type LoadedPolicies } from '../policy/rego/policies.js';
import { loadIgnoreFile } from '../policy/ignore.js';
import { applyDecisions } from '../policy/suppress.js';
import { loadVex } from '../policy/vex.js';
import { buildReport } from '../report/build.js';
import { renderCycloneDx } from '../report/format/cyclonedx.js';
import { renderSpdxJson } from '../report/format/spdx-json.js';
import { cycloneDxValidator, spdxValidator } from '../report/validate.js';
import { inventoryImage } from '../scanner/inventory.js';
import { licenseResults } from '../scanner/licenses.js';
import { defaultScanOptions, type ScanOptions } from '../scanner/options.js';
import { secretResults } from '../scanner/secrets.js';
import { detectVulnerabilities } from '../scanner/vulns.js';
import type { Image } from '../source/image.js';
import { openImageSource } from '../source/open.js';
import { pathSkipper, type PathSkipper } from '../layer/path-skip.js';
import { configFileResults } from '../scanner/config-files.js';
import { openDirectory, skipPatternsFor } from '../source/directory.js';
import { openRepository } from '../source/repository.js';
import { isRepoUrl } from '../source/git-clone.js';
import { openRootfs, SYSTEM_DIRS } from '../source/rootfs.js';
import { defaultSbomLimits } from '../source/sbom/read.js';
import { openSbom } from '../source/sbom/index.js';
import { collectIfGrown } from '../util/early-release.js';
import { UserError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/log.js';
import { toolVersion } from '../util/tool-version.js';
import { ensureVulnDb } from './database.js';
import { preflightTarget } from './preflight.js';
import { resolveCacheDir } from './environment.js';
import type { MatchInventory } from './inventory.js';
import type { ScanRequest, ScanTarget } from './request.js';

/** A finished scan: the report model, and what renderers must mask and callers may act on. */
export interface ScanOutcome {
  report: Report;
  /** Secret values from the image config and paths: already masked in the report, and masked again in rendered text. */
  redact: string[];
  /** The OS release is past its end of life. */
  eosl: boolean;
  /** What matching read: kept by a server so that a new database re-matches it without the image (inventory.ts). */
  inventory?: MatchInventory;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Opens what the request names, with its inventory (from layers or from an SBOM). */
export type Collect = (logger: Logger, opts: ScanOptions) => Promise<{ image: Image; artifact: Artifact }>;

/** The collector for images and filesystems: open, then walk the layers. */
export function fromImage(open: (logger: Logger, opts: ScanOptions) => Promise<Image>): Collect {
  return async (logger, opts) => {
    const image = await open(logger, opts);
    try {
      return { image, artifact: (await inventoryImage(image, opts)).artifact };
    } catch (e) {
      await image.close();
      throw e;
    }
  };
}

/** What a scan opens, and how its report names it. */
export interface ScanTargetKind {
  collect: (req: ScanRequest) => Collect;
  type: Report['artifactType'];
  /** A directory on the host (rootfs, fs, repo): no image config; config files checked; `fs`/`repo` name paths relatively. */
  directory?: 'rootfs' | 'project';
}

/** Directories Trivy never walks: `.git` anywhere; in a root filesystem also proc, sys and dev. */
function skipperFor(req: ScanRequest, base: string | undefined, kind: 'rootfs' | 'project' | 'image'): PathSkipper {
  const rel = (list: string[] | undefined): string[] =>
    base === undefined ? (list ?? []) : skipPatternsFor(base, list ?? []);
  const dirs = [...rel(req.skipDirs), ...(kind === 'rootfs' ? SYSTEM_DIRS : [])];
  return pathSkipper(dirs, rel(req.skipFiles), kind === 'image' ? [] : ['.git']);
}

function targetOf(req: ScanTarget): ScanTargetKind {
  const named = (['image', 'input', 'container', 'rootfs', 'sbom', 'fs', 'repo'] as const).filter(
    (k) => req[k] !== undefined,
  );
  if (named.length !== 1)
    throw new UserError(
      `a scan names exactly one of image, input, container, rootfs, sbom, fs or repo${named.length ? `, not ${named.join(' and ')}` : ''}`,
    );
  if (req.fs !== undefined) {
    const path = req.fs;
    return {
      type: 'filesystem',
      directory: 'project',
      collect: (r) =>
        fromImage((logger) =>
          openDirectory(path, {
            name: path,
            skip: skipperFor(r, path, 'project'),
            gitignore: true,
            warn: (m) => logger.warn(m),
          }),
        ),
    };
  }
  if (req.repo !== undefined) {
    const target = req.repo;
    return {
      type: 'repository',
      directory: 'project',
      collect: (r) =>
        fromImage((logger, opts) =>
          openRepository(target, {
            revision: r.repoRevision,
            skip: skipperFor(r, isRepoUrl(target) ? undefined : target, 'project'),
            warn: (m) => logger.warn(m),
            signal: opts.signal, // the scan's deadline and cancellation end the clone too
          }),
        ),
    };
  }
  if (req.sbom !== undefined) {
    const file = req.sbom;
    return {
      type: 'sbom',
      collect: (r) => () =>
        Promise.resolve(
          openSbom(file, {
            maxBytes: r.limits?.maxSbomBytes ?? defaultSbomLimits.maxBytes,
            maxComponents: r.limits?.maxSbomComponents ?? defaultSbomLimits.maxComponents,
          }),
        ),
    };
  }
  if (req.rootfs !== undefined) {
    const dir = req.rootfs;
    return {
      type: 'filesystem',
      directory: 'rootfs',
      collect: (r) =>
        fromImage((logger) => openRootfs(dir, { skip: skipperFor(r, dir, 'rootfs'), warn: (m) => logger.warn(m) })),
    };
  }
  return {
    type: 'container_image',
    collect: (r) =>
      fromImage((logger, opts) =>
        openImageSource({
          ref: r.image,
          input: r.input,
          container: r.container,
          imageSources: r.imageSources,
          stdin: r.stdin,
          platform: r.platform,
          ...r.registry,
          maxLayers: r.limits?.maxLayers,
          maxSpoolBytes: r.limits?.maxLayerBytes,
          maxEntries: r.limits?.maxEntriesPerLayer,
          configCache: opts.cacheDir ? new FileLayerCache(opts.cacheDir, (m) => logger.warn(m)) : undefined,
          signal: opts.signal,
          logger,
        }),
      ),
  };
}

function walkLimitsOf(req: ScanRequest, parallel: number): WalkLimits {
  const l = req.limits ?? {};
  return {
    ...defaultWalkLimits,
    maxLayerBytes: l.maxLayerBytes ?? defaultWalkLimits.maxLayerBytes,
    maxCompressionRatio: l.maxCompressionRatio ?? defaultWalkLimits.maxCompressionRatio,
    maxEntriesPerLayer: l.maxEntriesPerLayer ?? defaultWalkLimits.maxEntriesPerLayer,
    maxFileBytes: fileBytesForBudget(l.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET, parallel),
  };
}

/** `sbom_validation: required`: both SBOM formats must render and validate against their official schemas. */
function sbomValidates(report: Report): boolean {
  const opts = { toolName: 'customs', toolVersion: toolVersion() };
  try {
    return (
      cycloneDxValidator()(JSON.parse(renderCycloneDx(report, opts))) &&
      spdxValidator()(JSON.parse(renderSpdxJson(report, opts)))
    );
  } catch {
    return false;
  }
}

/** The ignore file named, or the first of the usual names present in the working dir. */
function ignoreFileOf(file: string | false | undefined): string | undefined {
  if (file === false) return undefined;
  if (file) return file;
  return ['.customsignore', '.trivyignore', '.trivyignore.yaml'].find((f) => existsSync(f));
}

function applyTeamDecisions(report: Report, req: ScanRequest, logger: Logger): Report {
  const file = ignoreFileOf(req.ignoreFile);
  const ignore = file ? loadIgnoreFile(file) : [];
  const vex = (req.vex ?? []).flatMap((v) => loadVex(v));
  if (!ignore.length && !vex.length) return report;
  const { report: decided, expired } = applyDecisions(report, { ignore, vex, now: new Date() });
  for (const r of expired)
    logger.warn(`ignore rule ${r.id} (${r.origin}) expired on ${r.expiresAt}; it no longer applies`);
  return decided;
}

/** The request's signal, ended also by its timeout. */
function deadlineOf(req: ScanRequest): AbortSignal | undefined {
  const ms = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signals = [req.signal, ms > 0 ? AbortSignal.timeout(ms) : undefined].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  return signals.length ? AbortSignal.any(signals) : undefined;
}

/** The policies' findings over the finished report, and the `policy` gate their deny/violation results decide. */
function withPolicies(report: Report, policies: LoadedPolicies, config: ImageConfig | undefined): Report {
  const found = evaluatePolicies(policies, scanInput(report, config));
  const failed = found.failures.length;
  return {
    ...report,
    results: [...report.results, ...policyResult(report.artifactName, found)],
    gates: [...(report.gates ?? []), { gate: 'policy', limit: 0, count: failed, pass: failed === 0 }],
  };
}

/** Everything up to the report model: open, inventory, detect, decide, filter, gate. */
export async function scanReport(req: ScanRequest): Promise<ScanOutcome> {
  const target = targetOf(req);
  await preflightTarget(req);
  return scanWith(target, req);
}

/** As scanReport, with the target already turned into a collector (for callers that detect the kind themselves). */
export async function scanWith(target: ScanTargetKind, req: ScanRequest): Promise<ScanOutcome> {
  const logger = req.logger ?? silentLogger;
  const scanners = req.scanners ?? ['vuln'];
  const signal = deadlineOf(req);
  signal?.throwIfAborted();
  // Compiled first: a policy that does not parse fails before the database build and the layers.
  const policies = req.policies ? loadPolicies(req.policies) : undefined;
  const cacheDir = resolveCacheDir(req.cacheDir);
  const db = scanners.includes('vuln')
    ? await ensureVulnDb({
        cacheDir,
        sources: req.dbSources,
        kevSource: req.kevSource,
        epssSource: req.epssSource,
        maxAgeMs: req.dbMaxAgeMs,
        skipUpdate: req.skipDbUpdate,
        logger,
        onProgress: req.onProgress,
      })
    : undefined;
  try {
    const parallel = Math.max(1, req.parallel ?? 2);
    const opts = defaultScanOptions({
      scanners,
      cacheDir: req.layerCache === false ? undefined : cacheDir,
      cacheMaxBytes: req.cacheMaxBytes ?? 2 * 1024 ** 3,
      parallel,
      includeDevDeps: req.includeDevDeps ?? false,
      secretConfig: req.secretConfig ? loadSecretConfig(req.secretConfig) : undefined,
      secretSkipBase: req.secretSkipBase ?? false,
      limits: walkLimitsOf(req, parallel),
      directory: target.directory !== undefined,
      // Directories skip while listing (nothing skipped is read); image layers skip in the walk.
      skip: target.directory ? undefined : skipperFor(req, undefined, 'image'),
      logger,
      signal,
      onLayerDone: (done, total, _fromCache, bytes, totalBytes) => {
        collectIfGrown();
        req.onProgress?.({
          stage: 'layers',
          message: 'analysing layers',
          done,
          total,
          unit: 'layers',
          ...(totalBytes ? { bytes, totalBytes } : {}),
        });
      },
    });
    const { image, artifact } = await target.collect(req)(logger, opts);
    collectIfGrown();
    // Created once the image is open, so that a scan that fails before never leaves a rule worker running.
    const matcher = new SecretMatcher(opts.secretConfig);
    try {
      signal?.throwIfAborted();
      let report = buildReport(image, artifact, { artifactType: target.type });
      const project = target.directory === 'project';
      const warningsBeforeDetection = report.warnings.length;
      if (db) {
        const cache = opts.cacheDir ? new FileLayerCache(opts.cacheDir, (m) => logger.warn(m)) : undefined;
        report = detectVulnerabilities(report, artifact, db, {
          matchOsOwned: req.matchOsOwned ?? false,
          logger,
          cache,
        });
        if (cache && opts.cacheMaxBytes !== undefined) cache.pruneIfWritten(opts.cacheMaxBytes);
        db.close(); // its memory-mapped pages leave the process with it, before the report is built
      }
      const inventory: MatchInventory = {
        os: artifact.os,
        packages: artifact.packages,
        detectionWarnings: report.warnings.slice(warningsBeforeDetection),
        matchOsOwned: req.matchOsOwned ?? false,
      };
      // The config's secrets are found whichever scanners run: the config is in every report.
      const configSecrets = await findConfigSecrets(image.config, matcher);
      if (scanners.includes('secret'))
        report = {
          ...report,
          results: [
            ...report.results,
            ...secretResults(artifact, image.config, configSecrets, { relativePaths: project }),
          ],
        };
      if (scanners.includes('misconfig') && image.configless) {
        const found = configFileResults(artifact);
        report = {
          ...report,
          results: [...report.results, ...found.results],
          warnings: [...report.warnings, ...found.warnings],
        };
      } else if (scanners.includes('misconfig')) {
        const failed = checkImageConfig({ config: image.config, setidFiles: artifact.merged.setidFiles }).filter(
          (m) => m.status === 'FAIL',
        );
        report = {
          ...report,
          results: [
            ...report.results,
            { target: 'image config', class: 'config', type: 'image-config', misconfigurations: failed },
          ],
        };
      }
      if (scanners.includes('license')) {
        const forbidden = new Set((req.licenseForbidden ?? []).map((x) => x.trim().toLowerCase()).filter(Boolean));
        report = { ...report, results: [...report.results, ...licenseResults(report, forbidden)] };
      }
      const inPaths = await pathSecretValues(report, matcher);
      const redact = [...new Set([...configSecrets.values, ...inPaths.values])].sort((a, b) => b.length - a.length);
      report = redactReport(
        { ...report, warnings: [...report.warnings, ...configSecrets.warnings, ...inPaths.warnings] },
        redact,
      );
      for (const w of report.warnings) logger.warn(w);
      const os = artifact.os;
      if (os?.eosl)
        logger.warn(
          `${os.family} ${os.name} is past its end of life${os.eolDate ? ` (${os.eolDate})` : ''}: it gets no security fixes and the results may be incomplete`,
        );
      report = applyTeamDecisions(report, req, logger);
      report = applyFindingFilter(report, {
        severities: new Set<Severity>(req.severities ?? SEVERITIES),
        ignoreUnfixed: req.ignoreUnfixed ?? false,
        kevOnly: req.kevOnly ?? false,
        pkgTypes: new Set(req.pkgTypes ?? ['os', 'library']),
      });
      const gates = req.securityGates;
      if (gates)
        report = {
          ...report,
          gates: evaluateGates(gates, report, gates.sbomValidation ? sbomValidates(report) : undefined),
        };
      // The report's copy of the config: secrets in Env already masked, so no policy message can carry one.
      if (policies) report = withPolicies(report, policies, image.configless ? undefined : report.metadata.imageConfig);
      return { report, redact, eosl: os?.eosl === true, inventory };
    } finally {
      matcher.close();
      await image.close();
    }
  } finally {
    db?.close();
  }
}
