/**
 * Checks a scan's target before any slow work: a missing file, an archive
 * that is not an image, a `--platform` the image does not have, or a
 * container no engine runs is reported at once, not after a database build
 * or download.
 */
import { statSync } from 'node:fs';
import { openLocalImage } from '../source/archive/index.js';
import { findContainer } from '../source/engine/index.js';
import { DEFAULT_IMAGE_SOURCES } from '../source/engine/local-engine.js';
import { UserError } from '../util/errors.js';
import type { ScanRequest } from './request.js';

export async function preflightTarget(req: ScanRequest): Promise<void> {
  // A container no engine has is said at once, not after a database build (one inspect per engine asked).
  if (req.container !== undefined) await findContainer(req.container, req.imageSources ?? DEFAULT_IMAGE_SOURCES);
  if (req.input !== undefined && req.input !== '-') {
    // Opening reads only the tar headers, the index/manifest and the config: cheap next to the layers.
    const image = await openLocalImage(req.input, { platform: req.platform, maxLayers: req.limits?.maxLayers });
    await image.close();
  }
  for (const [path, what, wantDir] of [
    [req.sbom, 'SBOM', false],
    [req.rootfs, 'root filesystem', true],
  ] as const) {
    if (path === undefined || path === '-') continue;
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw new UserError(`${path}: no such file or directory`, `name an existing ${what}`);
    if (st.isDirectory() !== wantDir)
      throw new UserError(`${path}: ${wantDir ? 'not a directory' : 'a directory, not a file'}`, `name a ${what}`);
  }
}
