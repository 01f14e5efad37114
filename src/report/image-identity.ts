/**
 * What an SBOM calls the image: its name (the archive's RepoTags, an OCI
 * `ref.name` annotation, the registry reference) and a
 * `pkg:oci/NAME@DIGEST?arch=…&repository_url=…` purl as Trivy writes it,
 * never the local path of the file it was read from (a runner's
 * `/builds/x/polyglot.tar` is no name for a project in Dependency-Track).
 */
import { buildPurl } from '../model/purl.js';
import { parseReference, type ImageReference } from '../source/registry/reference.js';
import type { Report } from '../model/report.js';

export interface ImageIdentity {
  /** `registry/repository:tag` when one is known, else the archive's own name without its folder. */
  name: string;
  purl?: string;
  /** Which digest the purl carries: the manifest's (as registries name images) or, when none is known, the config's (the image ID). */
  purlDigest?: 'manifest' | 'config';
}

function reference(text: string | undefined): ImageReference | undefined {
  if (!text) return undefined;
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}

/** `oci-archive:/x/y/node-app.tar:1.0` → `node-app`: the last path component, without transport, tag or extension. */
export function localName(input: string): string {
  const noTransport = input.replace(/^(?:docker-archive|oci-archive|oci):/, '');
  const parts = noTransport.split('/').filter(Boolean);
  const base = (parts.at(-1) ?? noTransport).replace(/:[\w][\w.-]*$/, '');
  return base.replace(/\.(?:tar|tar\.gz|tgz|oci)$/i, '') || 'image';
}

export function imageIdentity(report: Report): ImageIdentity {
  const md = report.metadata;
  if (report.artifactType !== 'container_image') return { name: localName(report.artifactName) };
  const tagged = md.repoTags.map(reference).find((r) => r);
  const digested = md.repoDigests.map(reference).find((r) => r?.digest);
  const ref = tagged ?? digested;
  const name =
    md.repoTags[0] ??
    (digested
      ? `${digested.registry}/${digested.repository}`
      : `${localName(report.artifactName)}${md.refName ? `:${md.refName}` : ''}`);
  const manifest = digested?.digest ?? md.manifestDigest;
  const digest = manifest ?? (md.imageId || undefined);
  if (!digest) return { name };
  const repository = ref ? ref.repository : localName(report.artifactName);
  const qualifiers: Record<string, string> = {};
  if (md.imageConfig?.architecture) qualifiers['arch'] = md.imageConfig.architecture;
  // Without a reference nothing says which registry holds the image: no repository_url is invented.
  if (ref) qualifiers['repository_url'] = `${ref.registry}/${ref.repository}`;
  const purl = buildPurl({ type: 'oci', name: repository.split('/').pop()!, version: digest, qualifiers });
  return { name, purl, purlDigest: manifest ? 'manifest' : 'config' };
}
