/** `customs config PATH`: Kubernetes manifests and Compose files checked for insecure settings. */
import type { Command } from 'commander';
import { scanConfigPath } from '../../detect/misconfig/config-files.js';
import { applyFindingFilter, countFindings, parseSeverities } from '../../policy/filter.js';
import { renderReport } from '../../report/format/index.js';
import type { Report } from '../../model/report.js';
import { UserError } from '../../util/errors.js';
import { toolVersion } from '../../util/tool-version.js';
import { makeLogger, writeReport } from '../run-scan.js';

interface ConfigFlags { format: string; output?: string; severity: string; exitCode: string; quiet?: boolean; debug?: boolean }

export function registerConfig(program: Command): void {
  program.command('config')
    .description('check Kubernetes manifests and Docker Compose files (a directory or one file)')
    .argument('<path>', 'file or directory')
    .option('-f, --format <format>', 'table, json, sarif, junit', 'table')
    .option('-o, --output <file>', 'write the report to a file')
    .option('-s, --severity <list>', 'severities to report', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL')
    .option('--exit-code <n>', 'exit code when misconfigurations remain', '0')
    .option('-q, --quiet', 'no informational messages')
    .action((path: string, flags: ConfigFlags) => {
      if (!['table', 'json', 'sarif', 'junit'].includes(flags.format)) throw new UserError(`config: format ${flags.format} is not available`, 'use table, json, sarif or junit');
      const logger = makeLogger(flags);
      let scanned;
      try { scanned = scanConfigPath(path); } catch (e) { throw new UserError(`${path}: cannot read (${(e as Error).message})`); }
      for (const w of scanned.warnings) logger.warn(w);
      let report: Report = { schemaVersion: 2, createdAt: new Date().toISOString(), artifactName: path, artifactType: 'filesystem', metadata: { diffIds: [], repoTags: [], repoDigests: [] }, results: scanned.results, warnings: scanned.warnings };
      report = applyFindingFilter(report, { severities: parseSeverities(flags.severity), ignoreUnfixed: false, pkgTypes: new Set(['os', 'library']) });
      writeReport(renderReport(report, flags.format, { toolName: 'customs', toolVersion: toolVersion(), listAllPkgs: false, listPackages: false }), flags.output);
      const code = Number(flags.exitCode);
      if (code && countFindings(report) > 0) process.exitCode = code;
    });
}
