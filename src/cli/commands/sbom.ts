/** `customs sbom FILE`: scan what a CycloneDX or SPDX document declares. */
import type { Command } from 'commander';
import { runScan } from '../run-scan.js';
import { addScanFlags, type ScanFlags } from '../scan-flags.js';

export function registerSbom(program: Command): void {
  const cmd = program
    .command('sbom')
    .description('scan an SBOM (CycloneDX JSON, SPDX JSON or tag-value) for vulnerabilities')
    .argument('<file>', 'the SBOM document');
  addScanFlags(cmd).action(async (file: string, flags: ScanFlags) => {
    await runScan({ sbom: file }, flags);
  });
}
