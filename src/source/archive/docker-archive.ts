/**
 * `docker save` tars: manifest.json names the config and the layer tars. The
 * legacy form has `<id>/layer.tar` or `<diffid>.tar` (uncompressed, so the
 * digest to verify is the diffID); Docker ≥ 25 writes an OCI layout inside,
 * its Layers pointing at `blobs/sha256/<hex>`.
 */
import { createHash } from 'node:crypto';
import type { Image, LayerSource } from '../image.js';
import type { ImageConfig } from '../../model/image-config.js';
import { checkLayerCount, createdByPerLayer, diffIdsFor } from '../image.js';
import { UserError } from '../../util/errors.js';
import { checkConfigPlatform } from './platform.js';
import { MAX_METADATA_BYTES, readJson, type BlobStore } from './store.js';
import { bytesMatchDigest, DigestVerifier, isDigest } from './verify.js';

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

function digestOfBlobPath(name: string): string | undefined {
  const m = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(name);
  return m && isDigest(`${m[1]}:${m[2]}`) ? `${m[1]}:${m[2]}` : undefined;
}

function digestOfLegacyConfig(name: string): string | undefined {
  const m = /^([a-f0-9]{64})\.json$/.exec(name);
  return m ? `sha256:${m[1]}` : undefined;
}

function pick(entries: DockerManifestEntry[], tag: string | undefined, what: string): DockerManifestEntry {
  if (!Array.isArray(entries) || !entries.length) throw new UserError(`${what}: manifest.json lists no image`);
  if (tag !== undefined) {
    const hit = entries.find((e) =>
      (e.RepoTags ?? []).some((t) => t === tag || t.endsWith(`:${tag}`) || t.endsWith(`/${tag}`)),
    );
    if (!hit)
      throw new UserError(
        `${what}: no image tagged "${tag}"`,
        `tags present: ${entries.flatMap((e) => e.RepoTags ?? []).join(', ') || 'none'}`,
      );
    return hit;
  }
  if (entries.length > 1)
    throw new UserError(
      `${what}: holds ${entries.length} images`,
      `pick one with docker-archive:PATH:TAG (${entries.flatMap((e) => e.RepoTags ?? []).join(', ')})`,
    );
  return entries[0]!;
}

export async function openDockerArchive(
  store: BlobStore,
  opts: { name: string; tag?: string; platform?: string; maxLayers?: number },
): Promise<Image> {
  const entry = pick(await readJson<DockerManifestEntry[]>(store, 'manifest.json'), opts.tag, store.what);
  if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) {
    throw new UserError(`${store.what}: manifest.json entry has no Config or Layers`, 'not a docker save archive');
  }
  checkLayerCount(entry.Layers.length, opts.maxLayers, store.what);
  if (entry.Layers.some((l) => typeof l !== 'string'))
    throw new UserError(`${store.what}: manifest.json lists a layer that is not a name`, 'not a docker save archive');
  const configBytes = await store.read(entry.Config, MAX_METADATA_BYTES);
  // The config is named by its digest (`blobs/sha256/<hex>`, or `<hex>.json` in the legacy form): hold it to that name.
  const configDigest = digestOfBlobPath(entry.Config) ?? digestOfLegacyConfig(entry.Config);
  if (configDigest && !bytesMatchDigest(configBytes, configDigest)) {
    throw new UserError(
      `${store.what}: ${entry.Config}: digest mismatch`,
      'the archive is corrupt or was altered; re-export it',
    );
  }
  let config: ImageConfig;
  try {
    config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
  } catch (e) {
    throw new UserError(
      `${store.what}: ${entry.Config} is not valid JSON (${(e as Error).message})`,
      'the archive is corrupt',
    );
  }
  checkConfigPlatform(opts.platform, config, store.what);
  const id = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
  const diffIds = diffIdsFor(config, entry.Layers.length, store.what);
  const createdBy = createdByPerLayer(config, entry.Layers.length);
  const layers: LayerSource[] = entry.Layers.map((name, index) => {
    const diffId = diffIds[index]!;
    const digest = digestOfBlobPath(name) ?? diffId;
    return {
      index,
      digest,
      diffId,
      size: store.size(name),
      createdBy: createdBy[index]!,
      verifiesDigest: true,
      async open() {
        if (!store.has(name))
          throw new UserError(`${store.what}: layer ${name} is missing from the archive`, 'the archive is incomplete');
        const verifier = new DigestVerifier(digest, `layer ${digest} of ${opts.name}`);
        const raw = store.open(name);
        raw.on('error', (e) => verifier.destroy(e));
        return raw.pipe(verifier);
      },
    };
  });
  return {
    name: opts.name,
    id,
    repoTags: (entry.RepoTags ?? []).filter((t) => typeof t === 'string'),
    repoDigests: [],
    config,
    layers,
    manifest: entry,
    close: async () => {},
  };
}
