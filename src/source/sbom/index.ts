/** An SBOM as a scan input: an empty image (no layers) and the inventory the document declares. */
import { eolInfo } from '../../analyzer/os/eol.js';
import type { Artifact } from '../../model/artifact.js';
import type { Image } from '../image.js';
import { readSbom, type SbomLimits } from './read.js';

export function openSbom(file: string, limits?: SbomLimits): { image: Image; artifact: Artifact } {
  const inv = readSbom(file, limits);
  const os = inv.os ? { ...inv.os, ...eolInfo(inv.os, new Date()) } : undefined;
  if (os && !os.eosl) delete (os as { eosl?: boolean }).eosl;
  const image: Image = {
    name: file,
    id: '',
    repoTags: [],
    repoDigests: [],
    config: {},
    layers: [],
    close: async () => {},
  };
  const artifact: Artifact = {
    os,
    packages: inv.packages,
    applications: [],
    layers: [],
    warnings: inv.warnings,
    merged: { current: [], removed: [], symlinks: new Map(), setidFiles: [], warnings: [] },
  };
  return { image, artifact };
}
