/**
 * OCI image layouts (a directory, or the same as a tar): index.json →
 * (nested indexes, by tag and platform) → manifest → config → layers.
 */
import { checkLayerCount, createdByPerLayer, diffIdsFor, type Image, type LayerSource } from '../image.js';
import { type ImageConfig } from '../../model/image-config.js';
import { UserError } from '../../util/errors.js';
import { checkConfigPlatform, parsePlatform, platformMatches, platformString, type Platform } from './platform.js';
import { readJson, type BlobStore } from './store.js';
import { DigestVerifier, isDigest } from './verify.js';

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: Partial<Platform>;
}
interface Index {
  manifests?: Descriptor[];
  mediaType?: string;
}
export interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const MAX_INDEX_DEPTH = 4;
const REF_NAME = 'org.opencontainers.image.ref.name';

export function blobName(digest: string, what: string): string {
  if (!isDigest(digest))
    throw new UserError(`${what}: invalid digest "${digest.slice(0, 100)}"`, 'the image metadata is corrupt');
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

function isIndex(d: Descriptor, body?: Manifest): boolean {
  return INDEX_TYPES.has(d.mediaType ?? '') || (!!body?.manifests && !body.layers);
}

async function pickManifest(
  store: BlobStore,
  index: Index,
  tag: string | undefined,
  platform: Platform,
  depth: number,
  seen: Set<string>,
): Promise<{ desc: Descriptor; manifest: Manifest }> {
  if (depth > MAX_INDEX_DEPTH)
    throw new UserError(
      `${store.what}: image indexes nested deeper than ${MAX_INDEX_DEPTH}`,
      'the index may point to itself',
    );
  let candidates = index.manifests ?? [];
  if (!candidates.length) throw new UserError(`${store.what}: the index lists no manifests`);
  if (tag !== undefined && depth === 0) {
    candidates = candidates.filter(
      (d) => d.annotations?.[REF_NAME] === tag || d.annotations?.['io.containerd.image.name']?.endsWith(`:${tag}`),
    );
    if (!candidates.length) {
      const tags = (index.manifests ?? []).map((d) => d.annotations?.[REF_NAME]).filter(Boolean);
      throw new UserError(
        `${store.what}: no image tagged "${tag}"`,
        tags.length ? `tags present: ${tags.join(', ')}` : 'the layout has no tags',
      );
    }
  }
  const withPlatform = candidates.filter((d) => d.platform);
  if (withPlatform.length) {
    const match = withPlatform.find((d) => platformMatches(platform, d.platform));
    if (!match)
      throw new UserError(
        `${store.what}: no image for platform ${platformString(platform)}`,
        `available: ${withPlatform.map((d) => platformString(d.platform)).join(', ')}; choose with --platform`,
      );
    candidates = [match];
  } else if (candidates.length > 1 && tag === undefined) {
    const tags = candidates.map((d) => d.annotations?.[REF_NAME]).filter(Boolean);
    throw new UserError(
      `${store.what}: holds ${candidates.length} images`,
      `pick one with :TAG${tags.length ? ` (${tags.join(', ')})` : ''}`,
    );
  }
  const desc = candidates[0]!;
  if (seen.has(desc.digest))
    throw new UserError(`${store.what}: index ${desc.digest} refers to itself`, 'the image index is corrupt');
  seen.add(desc.digest);
  const body = await readJson<Manifest>(store, blobName(desc.digest, store.what));
  if (isIndex(desc, body)) return pickManifest(store, body, tag, platform, depth + 1, seen);
  return { desc, manifest: body };
}

export interface OciOpenOptions {
  name: string;
  tag?: string;
  platform?: string;
  maxLayers?: number;
}

export async function openOciLayout(store: BlobStore, opts: OciOpenOptions): Promise<Image> {
  const platform = parsePlatform(opts.platform);
  if (!store.has('index.json')) throw new UserError(`${store.what}: no index.json`, 'not an OCI image layout');
  const index = await readJson<Index>(store, 'index.json');
  const { desc, manifest } = await pickManifest(store, index, opts.tag, platform, 0, new Set());
  if (!manifest.config?.digest || !Array.isArray(manifest.layers))
    throw new UserError(`${store.what}: manifest ${desc.digest} has no config or layers`, 'unsupported manifest type');
  checkLayerCount(manifest.layers.length, opts.maxLayers, store.what);
  const config = await readJson<ImageConfig>(store, blobName(manifest.config.digest, store.what));
  checkConfigPlatform(opts.platform, config, store.what);
  const repoTags: string[] = [];
  const fullName = desc.annotations?.['io.containerd.image.name'];
  if (fullName) repoTags.push(fullName);
  // ref.name is a bare tag (`1.0`) as skopeo and docker write it, or a full reference.
  const refName = desc.annotations?.[REF_NAME];
  const bareTag = refName && /^[\w][\w.-]{0,127}$/.test(refName) ? refName : undefined;
  if (refName && !bareTag && !repoTags.includes(refName) && /^[\w.-]+(?::\d+)?\/[^\s@]+:[\w][\w.-]*$/.test(refName))
    repoTags.push(refName);
  const image = imageFrom(store, opts.name, manifest.config.digest, config, manifest.layers, repoTags, manifest);
  image.manifestDigest = desc.digest;
  if (bareTag) image.refName = bareTag;
  return image;
}

/** Builds the Image from a config and layer descriptors whose blobs live in `store`. */
export function imageFrom(
  store: BlobStore,
  name: string,
  configDigest: string,
  config: ImageConfig,
  layers: Descriptor[],
  repoTags: string[],
  manifest: unknown,
): Image {
  const diffIds = diffIdsFor(config, layers.length, store.what);
  const createdBy = createdByPerLayer(config, layers.length);
  const sources: LayerSource[] = layers.map((l, index) => {
    const blob = blobName(l.digest, store.what);
    return {
      index,
      digest: l.digest,
      diffId: diffIds[index]!,
      size: l.size,
      mediaType: l.mediaType,
      createdBy: createdBy[index]!,
      verifiesDigest: true,
      async open() {
        if (!store.has(blob))
          throw new UserError(`${store.what}: layer blob ${l.digest} is missing`, 'the image is incomplete');
        const verifier = new DigestVerifier(l.digest, `layer ${l.digest} of ${name}`, l.size);
        const raw = store.open(blob);
        raw.on('error', (e) => verifier.destroy(e));
        return raw.pipe(verifier);
      },
    };
  });
  return {
    name,
    id: configDigest,
    repoTags,
    repoDigests: [],
    config,
    layers: sources,
    manifest,
    close: async () => {},
  };
}
