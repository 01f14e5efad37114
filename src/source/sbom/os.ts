/**
 * The OS an SBOM names. Tools name the family differently: Trivy its own way
 * (`redhat`, `alma`), Syft by os-release `ID` (`rhel`, `almalinux`, `amzn`);
 * both are read as customs reads os-release, so either meets the family
 * names advisories are selected by.
 */
import { detectFromFile } from '../../analyzer/os/release.js';
import type { OSInfo } from '../../model/os.js';

/** Only what an os-release value may hold; a stranger's quotes and newlines never reach the parser. */
const field = (v: string): string => v.replace(/[^A-Za-z0-9._+~ -]/g, '').slice(0, 64);

export function familyOf(id: string): string {
  const clean = field(id).toLowerCase();
  return detectFromFile('etc/os-release', `ID="${clean}"`)?.family ?? clean;
}

export function sbomOs(id: string, version: string, codename?: string): OSInfo {
  const os: OSInfo = { family: familyOf(id), name: version, versionId: version };
  if (codename) os.codename = field(codename);
  return os;
}
