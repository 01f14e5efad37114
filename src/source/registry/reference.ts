/**
 * Image references as Docker understands them: `alpine` is
 * `index.docker.io/library/alpine:latest`; `host:port/repo:tag@sha256:…`.
 */
import { UserError } from '../../util/errors.js';

export interface ImageReference {
  /** Registry host as written (`index.docker.io`, `127.0.0.1:5000`). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = 'index.docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

export function parseReference(ref: string): ImageReference {
  const bad = (why: string): never => {
    throw new UserError(`invalid image reference "${ref.slice(0, 200)}": ${why}`);
  };
  if (!ref || ref.length > 1024 || /\s/.test(ref)) bad('empty, too long or has spaces');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) bad('the digest must be sha256:<64 hex>');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) bad(`"${tag}" is not a valid tag`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0]!;
  if (
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first))
  ) {
    registry = HUB_ALIASES.has(first) ? DOCKER_HUB : first;
    parts.shift();
  }
  if (!parts.length || parts.some((p) => !PATH_COMPONENT.test(p)))
    bad('repository names are lower-case letters, digits and . _ - separated by /');
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  if (!tag && !digest) tag = 'latest';
  return { registry, repository: parts.join('/'), tag, digest };
}

/** The host the API lives on (Docker Hub's API is not on index.docker.io). */
export function apiHost(ref: ImageReference): string {
  return ref.registry === DOCKER_HUB ? 'registry-1.docker.io' : ref.registry;
}

export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
