/** An SBOM as a scan input: an empty image (no layers) and the inventory the document declares. */
import { eolInfo } from '../../analyzer/os/eol.js';
import type { Artifact } from '../../model/artifact.js';
import type { Image } from '../image.js';
import { readSbomFile, readSbomStdin, STDIN_LABEL } from './input.js';
import { defaultSbomLimits, type SbomLimits } from './limits.js';
import { parseSbom } from './read.js';

/** Opens `file`, or standard input when it is `-`. */
export async function openSbom(
  file: string,
  limits: SbomLimits = defaultSbomLimits,
): Promise<{ image: Image; artifact: Artifact }> {
  const fromStdin = file === '-';
  const label = fromStdin ? STDIN_LABEL : file;
  const text = fromStdin ? await readSbomStdin(limits.maxBytes) : readSbomFile(file, limits.maxBytes);
  const inv = parseSbom(text, label, limits);
  const os = inv.os ? { ...inv.os, ...eolInfo(inv.os, new Date()) } : undefined;
  if (os && !os.eosl) delete (os as { eosl?: boolean }).eosl;
  const image: Image = {
    name: label,
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
