/**
 * Registry images: manifest (through indexes, by platform), config and
 * layers, every blob verified against its digest as it streams.
 */
import { createHash } from 'node:crypto';
import { checkLayerCount, createdByPerLayer, diffIdsFor, type Image, type LayerSource } from '../image.js';
import { type ImageConfig } from '../../model/image-config.js';
import { UserError } from '../../util/errors.js';
import {
  checkConfigPlatform,
  parsePlatform,
  platformMatches,
  platformString,
  type Platform,
} from '../archive/platform.js';
import { bytesMatchDigest, DigestVerifier, isDigest } from '../archive/verify.js';
import { readBody } from './http.js';
import { RegistryClient, type ClientOptions } from './client.js';
import { formatReference, parseReference } from './reference.js';

export { parseReference } from './reference.js';
export type { ImageReference } from './reference.js';

export interface RegistryOptions extends ClientOptions {
  platform?: string;
  maxManifestBytes?: number;
  /** Most layers accepted (default DEFAULT_MAX_LAYERS), checked before the config is fetched. */
  maxLayers?: number;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Partial<Platform>;
}
interface ManifestDoc {
  mediaType?: string;
  schemaVersion?: number;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

const MAX_INDEX_DEPTH = 3;

function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function parseManifest(body: Buffer, what: string): ManifestDoc {
  try {
    return JSON.parse(body.toString('utf8')) as ManifestDoc;
  } catch (e) {
    throw new UserError(
      `${what}: the manifest is not JSON (${(e as Error).message})`,
      'the registry returned something else than a manifest',
    );
  }
}

export async function openRegistryImage(refText: string, opts: RegistryOptions): Promise<Image> {
  const ref = parseReference(refText);
  const name = formatReference(ref);
  const client = new RegistryClient(ref, opts);
  const platform = parsePlatform(opts.platform);
  const maxManifest = opts.maxManifestBytes ?? 4 * 1024 * 1024;

  let reference = ref.digest ?? ref.tag!;
  let manifestDigest: string | undefined;
  let doc: ManifestDoc | undefined;
  for (let depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
    const { body } = await client.manifest(reference, maxManifest);
    const digest = sha256(body);
    if (isDigest(reference) && reference !== digest)
      throw new UserError(
        `${name}: manifest ${reference} has digest ${digest}`,
        'the registry returned altered content',
      );
    const m = parseManifest(body, name);
    if (m.schemaVersion === 1)
      throw new UserError(
        `${name}: Docker schema 1 manifests are not supported`,
        'push the image again with a current client',
      );
    if (m.manifests && !m.layers) {
      const match = m.manifests.find((d) => platformMatches(platform, d.platform));
      if (!match)
        throw new UserError(
          `${name}: no image for platform ${platformString(platform)}`,
          `available: ${m.manifests.map((d) => platformString(d.platform)).join(', ')}; choose with --platform`,
        );
      reference = match.digest;
      if (!isDigest(reference)) throw new UserError(`${name}: index entry with invalid digest`);
      continue;
    }
    manifestDigest = digest;
    doc = m;
    break;
  }
  if (!doc || !manifestDigest) throw new UserError(`${name}: image indexes nested deeper than ${MAX_INDEX_DEPTH}`);
  if (!doc.config?.digest || !isDigest(doc.config.digest) || !Array.isArray(doc.layers))
    throw new UserError(`${name}: the manifest has no config or layers`, 'unsupported manifest type');
  checkLayerCount(doc.layers.length, opts.maxLayers, name);

  const configRes = await client.blob(doc.config.digest);
  const configBytes = await readBody(configRes, 8 * 1024 * 1024, `${name}: config`, client.timeoutMs);
  if (!bytesMatchDigest(configBytes, doc.config.digest))
    throw new UserError(
      `${name}: config blob ${doc.config.digest}: digest mismatch`,
      'the registry returned altered content',
    );
  let config: ImageConfig;
  try {
    config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
  } catch {
    throw new UserError(`${name}: the config blob is not JSON`);
  }
  checkConfigPlatform(opts.platform, config, name);
  const diffIds = diffIdsFor(config, doc.layers.length, name);
  const createdBy = createdByPerLayer(config, doc.layers.length);

  const layers: LayerSource[] = doc.layers.map((l, index) => {
    if (!isDigest(l.digest)) throw new UserError(`${name}: layer ${index + 1} has an invalid digest`);
    return {
      index,
      digest: l.digest,
      diffId: diffIds[index]!,
      size: l.size,
      mediaType: l.mediaType,
      createdBy: createdBy[index]!,
      verifiesDigest: true,
      async open() {
        const res = await client.blob(l.digest);
        const verifier = new DigestVerifier(l.digest, `${name}: layer ${l.digest}`, l.size);
        res.on('error', (e) => verifier.destroy(e));
        return res.pipe(verifier);
      },
    };
  });
  return {
    name: refText,
    id: doc.config.digest,
    repoTags: ref.tag ? [`${ref.registry}/${ref.repository}:${ref.tag}`] : [],
    repoDigests: [`${ref.registry}/${ref.repository}@${manifestDigest}`],
    manifestDigest,
    config,
    layers,
    manifest: doc,
    close: async () => {},
  };
}
