/**
 * How many of an image's bottom layers came from its base image, read from
 * the history: buildah marks the first instruction of a build with
 * `comment: "FROM <base reference>"`; failing that, the leading layers made
 * by `ADD file:… in /` are the base operating system's root filesystem.
 */
import type { ImageConfig } from '../model/image-config.js';

const ROOTFS_ADD = /#\(nop\)\s+ADD file:[0-9a-f]+ in \/\s*$/;

export function baseLayerCount(config: ImageConfig): number {
  const history = config.history ?? [];
  let layers = 0;
  for (const h of history) {
    const from = /^FROM (\S+)/.exec(h.comment ?? '');
    if (from && !/^[0-9a-f]{12,64}$/.test(from[1]!)) return layers;
    if (!h.empty_layer) layers++;
  }
  let n = 0;
  for (const h of history) {
    if (h.empty_layer) continue;
    if (ROOTFS_ADD.test(h.created_by ?? '')) n++;
    else break;
  }
  return n;
}
