/** `customs config PATH`: Kubernetes manifests and Compose files checked for insecure settings. */
import type { Command } from 'commander';
import { scanConfig } from '../../api/config.js';
import { countFindings, parseSeverities } from '../../policy/filter.js';
import { renderReport } from '../../report/format/index.js';
import { UserError } from '../../util/errors.js';
import { toolVersion } from '../../util/tool-version.js';
import { makeLogger, writeReport } from '../run-scan.js';
import { warnAll } from '../config-file.js';
import { applyEnvironment } from '../env-flags.js';
import { addPolicyFlags, policyOptionsFrom } from '../scan-flags.js';

interface ConfigFlags {
  format: string;
  output?: string;
  severity: string;
  exitCode: string;
  quiet?: boolean;
  debug?: boolean;
  policy: string[];
  data: string[];
  namespace: string[];
  policyDeadline?: string;
}

export function registerConfig(program: Command): void {
  const cmd = program
    .command('config')
    .description('check Kubernetes manifests and Docker Compose files (a directory or one file)')
    .argument('<path>', 'file or directory')
    .option('-f, --format <format>', 'table, json, sarif, junit', 'table')
    .option('-o, --output <file>', 'write the report to a file')
    .option('-s, --severity <list>', 'severities to report', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL')
    .option('--exit-code <n>', 'exit code when misconfigurations remain', '0')
    .option('-q, --quiet', 'no informational messages')
    // CUSTOMS_* / TRIVY_* as for the scan commands (a CI template sets TRIVY_FORMAT once for every job); no
    // config file: customs.yaml holds scan options this command does not have.
    .hook('preAction', (c) => warnAll(c, applyEnvironment(c)));
  addPolicyFlags(cmd).action((path: string, flags: ConfigFlags) => {
    if (!['table', 'json', 'sarif', 'junit'].includes(flags.format))
      throw new UserError(`config: format ${flags.format} is not available`, 'use table, json, sarif or junit');
    const logger = makeLogger(flags);
    const report = scanConfig({
      path,
      severities: [...parseSeverities(flags.severity)],
      logger,
      policies: policyOptionsFrom(flags),
    });
    writeReport(
      renderReport(report, flags.format, {
        toolName: 'customs',
        toolVersion: toolVersion(),
        listAllPkgs: false,
        listPackages: false,
      }),
      flags.output,
    );
    const code = Number(flags.exitCode);
    if (code && countFindings(report) > 0) process.exitCode = code;
    const policyGate = report.gates?.find((g) => g.gate === 'policy' && !g.pass);
    if (policyGate) {
      logger.error(`policy denied the scan: ${policyGate.count} deny/violation result(s) (listed in the report)`);
      process.exitCode = code || 1;
    }
  });
}
