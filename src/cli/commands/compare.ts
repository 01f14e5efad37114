/**
 * `customs compare OLD NEW`: what changed between two images (or SBOMs):
 * packages added, removed and changed, vulnerabilities introduced and
 * fixed per severity. `--exit-code` fails when NEW introduces findings at
 * the `--severity` levels.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { compareReports } from '../../report/compare.js';
import { renderComparisonJson, renderComparisonTable } from '../../report/format/compare-text.js';
import type { ScanTarget } from '../../api/request.js';
import { UserError } from '../../util/errors.js';
import { collect } from '../registry-credentials.js';
import { makeLogger, scanFromFlags, writeReport } from '../run-scan.js';
import { addScanFlags, type ScanFlags } from '../scan-flags.js';

type CompareFlags = ScanFlags & { platform?: string; insecure?: boolean; registryAuth: string[] };

/** An SBOM file, else a local image (archive or OCI dir), else a registry reference. */
function targetOf(target: string, flags: CompareFlags): ScanTarget {
  if (existsSync(target) && statSync(target).isFile()) {
    const head = readFileSync(target, { encoding: 'utf8' }).slice(0, 4096);
    if (/"bomFormat"\s*:\s*"CycloneDX"|"spdxVersion"|^SPDXVersion:/m.test(head)) return { sbom: target };
  }
  const local =
    existsSync(target.replace(/^(docker-archive|oci-archive|oci):/, '').replace(/:[^/:]+$/, '')) ||
    /^(docker-archive|oci-archive|oci):/.test(target);
  return {
    ...(local ? { input: target } : { image: target }),
    platform: flags.platform,
    registry: { insecure: flags.insecure, registryAuth: flags.registryAuth },
  };
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description('compare two images or SBOMs: packages and vulnerabilities added, removed, fixed')
    .argument('<old>', 'image reference, local image path, or SBOM file')
    .argument('<new>', 'image reference, local image path, or SBOM file')
    .option('--platform <os/arch[/variant]>', 'platform to pick from multi-platform images')
    .option('--insecure', "allow plain HTTP and self-signed TLS for the images' registries")
    .option(
      '--registry-auth <host=user:pass>',
      'credentials for one registry only, repeatable (env CUSTOMS_REGISTRY_AUTH, one a line)',
      collect,
      [],
    );
  addScanFlags(cmd).action(async (oldT: string, newT: string, flags: CompareFlags) => {
    if (!['table', 'json'].includes(flags.format))
      throw new UserError(`compare: format ${flags.format} is not available`, 'use --format table or json');
    const logger = makeLogger(flags);
    const oldR = (await scanFromFlags(targetOf(oldT, flags), flags, logger)).report;
    const newR = (await scanFromFlags(targetOf(newT, flags), flags, logger)).report;
    const c = compareReports(oldR, newR);
    writeReport(flags.format === 'json' ? renderComparisonJson(c) : renderComparisonTable(c), flags.output);
    const exitCode = Number(flags.exitCode);
    if (exitCode && c.vulnerabilities.introduced.length > 0) process.exitCode = exitCode;
  });
}
