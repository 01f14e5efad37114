/**
 * Reads an OCI layout directory the plain way (index → manifest → config),
 * for tests that need the ground truth of an image independently of customs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LayoutImage {
  tag: string;
  config: {
    architecture?: string;
    rootfs: { diff_ids: string[] };
    history?: { created_by?: string; empty_layer?: boolean }[];
  };
  configDigest: string;
  layerBlobs: string[];
}

function blobPath(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return join(dir, 'blobs', alg!, hex!);
}

export function readLayout(dir: string): LayoutImage {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const m = index.manifests[0]!;
  const manifest = JSON.parse(readFileSync(blobPath(dir, m.digest), 'utf8')) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  return {
    tag: m.annotations?.['org.opencontainers.image.ref.name'] ?? 'latest',
    config: JSON.parse(readFileSync(blobPath(dir, manifest.config.digest), 'utf8')) as LayoutImage['config'],
    configDigest: manifest.config.digest,
    layerBlobs: manifest.layers.map((l) => blobPath(dir, l.digest)),
  };
}
