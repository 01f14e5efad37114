/**
 * `customs push defectdojo|securityhub REPORT.json --config FILE`: a JSON
 * report handed to the provider configured under vulnerability_tracking.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadSendingConfig } from '../../notify/load.js';
import { readSecret, Redactor, secretSources } from '../../notify/secrets.js';
import { readJsonReport } from '../../notify/state.js';
import { dojoUpload, pushDefectDojo } from '../../notify/tracking/defectdojo.js';
import { pushSecurityHub, securityHubFindings, securityHubTarget } from '../../notify/tracking/securityhub.js';
import { UserError, errorMessage } from '../../util/errors.js';
import { StderrLogger } from '../../util/log.js';

interface PushFlags {
  config?: string;
  dryRun?: boolean;
  baseline?: string;
  quiet?: boolean;
}

export function registerPush(program: Command): void {
  const push = program
    .command('push')
    .description('hand a JSON report to a vulnerability manager (vulnerability_tracking:)');
  push
    .command('defectdojo')
    .description('import (first time) or re-import the report into DefectDojo as a "Trivy Scan"')
    .argument('<report.json>', 'a JSON report (--format json)')
    .option('--config <file>', 'config file with vulnerability_tracking.providers')
    .option('--dry-run', 'print the request (fields, file, no token) instead of sending it')
    .option('-q, --quiet', 'no informational messages')
    .action(async (file: string, flags: PushFlags) => {
      const config = loadSendingConfig(flags.config, 'customs push defectdojo').tracking?.defectdojo;
      if (!config)
        throw new UserError(`${flags.config}: no defectdojo provider under vulnerability_tracking.providers`);
      const report = readJsonReport(file);
      if (flags.dryRun) {
        const upload = dojoUpload(config, report);
        const request = {
          method: 'POST',
          url: `${config.apiUrl}/api/v2/${upload.endpoint}/`,
          note: 'reimport-scan with test=<id> instead when DefectDojo already has the test',
          headers: { Authorization: 'Token ***' },
          fields: upload.fields,
          file: { name: upload.fileName, contentType: 'application/json', from: file },
        };
        process.stdout.write(`${JSON.stringify(request, null, 2)}\n`);
        return;
      }
      const redactor = new Redactor();
      const token = readSecret(config.token, redactor, process.env);
      if (!token) throw new UserError('push defectdojo: no API token', `set ${secretSources(config.token)}`);
      try {
        const r = await pushDefectDojo(config, token, report, readFileSync(file, 'utf8'));
        new StderrLogger('info', flags.quiet ?? false).info(
          `defectdojo: ${r.endpoint} done${r.test !== undefined ? ` (test ${r.test})` : ''}`,
        );
      } catch (e) {
        throw new UserError(redactor.mask(errorMessage(e)));
      }
    });
  push
    .command('securityhub')
    .description("import the report's findings into AWS Security Hub (BatchImportFindings)")
    .argument('<report.json>', 'a JSON report (--format json)')
    .option('--config <file>', 'config file with vulnerability_tracking.providers')
    .option(
      '--baseline <report.json>',
      'the previous report of the image: its findings gone since are archived (resolved)',
    )
    .option('--dry-run', 'print the ASFF findings instead of sending them')
    .option('-q, --quiet', 'no informational messages')
    .action(async (file: string, flags: PushFlags) => {
      const config = loadSendingConfig(flags.config, 'customs push securityhub').tracking?.securityHub;
      if (!config)
        throw new UserError(`${flags.config}: no security_hub provider under vulnerability_tracking.providers`);
      const report = readJsonReport(file);
      const previous = flags.baseline ? readJsonReport(flags.baseline) : undefined;
      const findings = securityHubFindings(config, securityHubTarget(config, process.env), report, previous);
      if (flags.dryRun) {
        process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
        return;
      }
      const redactor = new Redactor();
      for (const k of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) if (process.env[k]) redactor.add(process.env[k]);
      let r;
      try {
        r = await pushSecurityHub(config, findings, process.env);
      } catch (e) {
        throw new UserError(redactor.mask(`security hub: ${errorMessage(e)}`));
      }
      new StderrLogger('info', flags.quiet ?? false).info(
        `security hub: ${r.sent} finding(s) imported (${r.archived} resolved), ${r.failed.length} failed`,
      );
      if (r.failed.length) {
        for (const f of r.failed.slice(0, 10))
          process.stderr.write(`security hub: ${f.id}: ${f.code} ${redactor.mask(f.message)}\n`);
        process.exitCode = 1;
      }
    });
}
