/** Configuration files checked without an image: Dockerfiles, Kubernetes manifests, Compose files. */
import { scanConfigPath } from '../detect/misconfig/config-files.js';
import type { Report, Severity } from '../model/report.js';
import { SEVERITIES } from '../model/report.js';
import { applyFindingFilter } from '../policy/filter.js';
import { UserError, errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/log.js';

export interface ConfigScanRequest {
  /** A file or a directory. */
  path: string;
  /** Severities kept (default all). */
  severities?: Severity[];
  logger?: Logger;
}

export function scanConfig(req: ConfigScanRequest): Report {
  const logger = req.logger ?? silentLogger;
  let scanned;
  try {
    scanned = scanConfigPath(req.path);
  } catch (e) {
    throw new UserError(`${req.path}: cannot read (${errorMessage(e)})`);
  }
  for (const w of scanned.warnings) logger.warn(w);
  const report: Report = {
    schemaVersion: 2,
    createdAt: new Date().toISOString(),
    artifactName: req.path,
    artifactType: 'filesystem',
    metadata: { diffIds: [], repoTags: [], repoDigests: [] },
    results: scanned.results,
    warnings: scanned.warnings,
  };
  return applyFindingFilter(report, {
    severities: new Set(req.severities ?? SEVERITIES),
    ignoreUnfixed: false,
    pkgTypes: new Set(['os', 'library']),
  });
}
