/** Configuration files checked without an image: Dockerfiles, Kubernetes manifests, Compose files. */
import { scanConfigPath } from '../detect/misconfig/config-files.js';
import type { Report, Severity } from '../model/report.js';
import { SEVERITIES } from '../model/report.js';
import { applyFindingFilter } from '../policy/filter.js';
import { configInputs } from '../policy/rego/config-input.js';
import {
  evaluatePolicies,
  loadPolicies,
  policyResult,
  type PolicyFindings,
  type PolicyOptions,
} from '../policy/rego/policies.js';
import { UserError, errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/log.js';

export interface ConfigScanRequest {
  /** A file or a directory. */
  path: string;
  /** Severities kept (default all). */
  severities?: Severity[];
  logger?: Logger;
  /** Rego policies evaluated over each file's documents (config-input.ts); deny/violation fail the `policy` gate. */
  policies?: PolicyOptions;
}

export function scanConfig(req: ConfigScanRequest): Report {
  const logger = req.logger ?? silentLogger;
  // Compiled before any file is read: a policy that does not parse is the only error.
  const policies = req.policies ? loadPolicies(req.policies) : undefined;
  const policyResults: Report['results'] = [];
  let denied = 0;
  const evaluateFile = (target: string, text: string): void => {
    if (!policies) return;
    const found: PolicyFindings = { failures: [], warnings: [] };
    for (const input of configInputs(target, text)) {
      const f = evaluatePolicies(policies, input);
      found.failures.push(...f.failures);
      found.warnings.push(...f.warnings);
    }
    denied += found.failures.length;
    policyResults.push(...policyResult(target, found));
  };
  let scanned;
  try {
    scanned = scanConfigPath(req.path, evaluateFile);
  } catch (e) {
    if (e instanceof UserError) throw e;
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
  const filtered = applyFindingFilter(report, {
    severities: new Set(req.severities ?? SEVERITIES),
    ignoreUnfixed: false,
    pkgTypes: new Set(['os', 'library']),
  });
  if (!policies) return filtered;
  return {
    ...filtered,
    results: [...filtered.results, ...policyResults],
    gates: [{ gate: 'policy', limit: 0, count: denied, pass: denied === 0 }],
  };
}
