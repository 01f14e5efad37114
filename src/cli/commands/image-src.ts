/** `--image-src`, Trivy's flag: where an image reference (or a container) is looked for, in order. */
import { Option } from 'commander';
import { DEFAULT_IMAGE_SOURCES, type ImageSourceName } from '../../source/engine/local-engine.js';
import { parseImageSources } from '../../source/engine/sources.js';

export function imageSourceOption(): Option {
  return new Option(
    '--image-src <list>',
    'where to look for the image, in order: docker, podman, containerd (local engines), remote (the registry)',
  ).default(DEFAULT_IMAGE_SOURCES.join(','));
}

export function imageSourcesFrom(list: string): ImageSourceName[] {
  return parseImageSources(list);
}
