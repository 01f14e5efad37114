/** Bounds on one SBOM document; each has a flag (`--max-sbom-size`, `--max-sbom-components`). */
import { LimitError } from '../../util/errors.js';

export interface SbomLimits {
  maxBytes: number;
  maxComponents: number;
}
export const defaultSbomLimits: SbomLimits = { maxBytes: 256 * 1024 * 1024, maxComponents: 500_000 };

export function tooManyComponents(file: string, limits: SbomLimits): LimitError {
  return new LimitError(
    `${file}: components`,
    'max SBOM components',
    limits.maxComponents,
    'raise --max-sbom-components if the SBOM is genuine',
  );
}
