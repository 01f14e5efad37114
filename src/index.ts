/**
 * customs as a library: `scan()` and friends, with their types. The CLI,
 * and any program that embeds customs, call these.
 *
 *   import { scan } from 'customs';
 *   const report = await scan({ input: 'image.tar' });
 *   for (const r of report.Results ?? []) for (const v of r.Vulnerabilities ?? []) console.log(v.VulnerabilityID);
 */
import type { JsonReport } from './report/format/json-layout.js';
import { toJsonReport, type RenderRequest } from './api/render.js';
import type { ScanRequest } from './api/request.js';
import { scanReport } from './api/scan.js';

/** Scans what the request names and returns the report in `--format json`'s layout. */
export async function scan(
  request: ScanRequest & Pick<RenderRequest, 'listAllPkgs' | 'showSuppressed'>,
): Promise<JsonReport> {
  return toJsonReport(await scanReport(request), request);
}

export { scanReport, type ScanOutcome } from './api/scan.js';
export { render, toJsonReport, FORMATS, type FormatName, type RenderRequest } from './api/render.js';
export type { ScanRequest, ScanTarget, ScanLimits, ScanProgress, RegistryOptions } from './api/request.js';
export { compare } from './api/compare.js';
export { scanConfig, type ConfigScanRequest } from './api/config.js';
export {
  updateDatabase,
  databaseStatus,
  exportDatabase,
  importDatabase,
  type DatabaseUpdateRequest,
} from './api/database-admin.js';
export { parseGates, type Gates, type GateVerdict } from './policy/gates.js';
export type { PolicyOptions } from './policy/rego/policies.js';
export type { Comparison } from './report/compare.js';
export type { DbStatus } from './vulndb/store.js';
export type { JsonReport, JsonResult, JsonVulnerability, JsonPackage, JsonLayer } from './report/format/json-layout.js';
export type * from './model/report.js';
export type { Package, Ecosystem, LayerRef } from './model/package.js';
export type { OSInfo } from './model/os.js';
export type { ScannerName } from './model/scanners.js';
export type { ImageSourceName } from './source/engine/local-engine.js';
export { SCANNER_NAMES } from './model/scanners.js';
export { SEVERITIES } from './model/report.js';
export { UserError } from './util/errors.js';
export { MemoryLogger, StderrLogger, type Logger } from './util/log.js';
