/**
 * What `customs image ARG` names, read the ways Trivy and Grype users write
 * it: Grype's scheme prefixes (`docker-archive:`, `oci-archive:`, `oci-dir:`,
 * `registry:`, `sbom:`), and a path to a local archive given where a
 * reference goes (Trivy needs `--input` for that; customs accepts it and says so).
 */
import { existsSync } from 'node:fs';
import type { ScanTarget } from '../api/request.js';
import { UserError } from '../util/errors.js';
import type { Logger } from '../util/log.js';

type ImageTarget = Pick<ScanTarget, 'image' | 'input' | 'sbom' | 'imageSources'>;

const SCHEME = /^(docker-archive|oci-archive|oci-dir|oci|registry|sbom|docker|podman|containerd):(.+)$/;
/** Grype's engine schemes: the image is read from that engine only. */
const ENGINE_SCHEMES = new Set(['docker', 'podman', 'containerd'] as const);
/** `registry:5000/app` is a host named registry on port 5000, not the `registry:` scheme. */
const HOST_PORT = /^\d+(\/|$)/;
/** Where a path, not a reference, was meant: absolute or ./ ../ relative, or an archive's file name. */
const PATH_LIKE = /^(\/|\.\.?\/)|\.(tar|tgz|tar\.gz)$/i;

export function imageTarget(ref: string | undefined, input: string | undefined, logger: Logger): ImageTarget {
  if (ref !== undefined && input !== undefined)
    throw new UserError('image: give either an image reference or --input, not both');
  if (input !== undefined) return { input };
  if (ref === undefined) throw new UserError('image: name an image reference or --input PATH');
  const m = SCHEME.exec(ref);
  if (m && !HOST_PORT.test(m[2]!)) {
    const [, scheme, rest] = m as unknown as [string, string, string];
    if (scheme === 'registry') return { image: rest, imageSources: ['remote'] };
    if (ENGINE_SCHEMES.has(scheme as 'docker')) return { image: rest, imageSources: [scheme as 'docker'] };
    if (scheme === 'sbom') return { sbom: rest };
    if (scheme === 'oci-dir') return { input: `oci:${rest}` };
    return { input: ref };
  }
  if (PATH_LIKE.test(ref)) {
    if (!existsSync(ref))
      throw new UserError(
        `${ref}: looks like a file path, and no such file or directory exists`,
        'scan a local archive with --input PATH; an image reference looks like alpine:3.20',
      );
    logger.info(`${ref} is a local path: scanning it as --input ${ref} (Trivy needs --input for this)`);
    return { input: ref };
  }
  return { image: ref };
}
