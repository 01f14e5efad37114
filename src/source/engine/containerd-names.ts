/**
 * The names containerd may store an image under, for the name a user typed.
 * containerd keeps full references (`docker.io/library/alpine:3.20`); users
 * type Docker's short forms (`alpine:3.20`), which nerdctl and Trivy expand
 * the same way Docker does. The name exactly as given is tried first, since
 * containerd accepts names no registry would (`ctr images tag` takes any).
 */
import { parseReference } from '../registry/reference.js';

/** Docker Hub's name in containerd's store (the registry client says index.docker.io). */
const HUB_IN_CONTAINERD = 'docker.io';

export function containerdNameCandidates(reference: string): string[] {
  const names = [reference];
  let full: string;
  try {
    const ref = parseReference(reference);
    const registry = ref.registry === 'index.docker.io' ? HUB_IN_CONTAINERD : ref.registry;
    // Kubernetes' CRI stores `repo@digest` beside `repo:tag`; a name with both is found by its digest.
    full = `${registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag}`}`;
  } catch {
    return names; // not a Docker reference: only the name as given can be in the store
  }
  if (!names.includes(full)) names.push(full);
  return names;
}
