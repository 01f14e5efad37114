/**
 * Where an image lives, from the reference a scan was asked for (or, for a
 * local archive, the name it was saved under): registry host, repository
 * path and tag, the way the distribution spec splits them (Docker Hub's
 * defaults for a bare name).
 */
export interface ImageName {
  registry: string;
  repository: string;
  tag?: string;
}

export function parseImageName(ref: string): ImageName {
  const noDigest = ref.split('@')[0] ?? ref;
  const slash = noDigest.indexOf('/');
  const first = slash >= 0 ? noDigest.slice(0, slash) : '';
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasHost ? first : 'docker.io';
  let path = hasHost ? noDigest.slice(slash + 1) : noDigest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon > path.lastIndexOf('/')) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return { registry, repository: path, ...(tag ? { tag } : ref.includes('@') ? {} : { tag: 'latest' }) };
}
