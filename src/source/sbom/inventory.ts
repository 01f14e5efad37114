import type { OSInfo } from '../../model/os.js';
import type { Package } from '../../model/package.js';

/** What one SBOM document declares, whatever its format. */
export interface SbomInventory {
  format: string;
  name: string;
  os?: OSInfo;
  packages: Package[];
  warnings: string[];
}
