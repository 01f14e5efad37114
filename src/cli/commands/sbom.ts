/** `customs sbom FILE|-`: scan what a CycloneDX, SPDX or Syft JSON document (a file, or stdin) declares. */
import type { Command } from 'commander';
import { runScan } from '../run-scan.js';
import { addScanFlags, type ScanFlags } from '../scan-flags.js';

export function registerSbom(program: Command): void {
  const cmd = program
    .command('sbom')
    .description('scan an SBOM (CycloneDX JSON or XML, SPDX JSON or tag-value, Syft JSON) for vulnerabilities')
    .argument('<file>', 'the SBOM document; - reads it from stdin');
  addScanFlags(cmd).action(async (file: string, flags: ScanFlags) => {
    await runScan({ sbom: file }, flags);
  });
}
