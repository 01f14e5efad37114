/**
 * Resolving a path through the image's own symlinks, as data: the targets
 * come from the merged layers' symlink table and are normalised lexically
 * inside the image (an absolute target is image-rooted), never looked up on
 * the host. Used where one package's files live under another's name
 * (Debian's `usr/share/doc/libgcc-s1 -> gcc-12-base`).
 */
import { dirnameOf, normaliseImagePath } from '../layer/path.js';

/** As the kernel's MAXSYMLINKS: more hops than this is a loop. */
const MAX_HOPS = 40;

/** The path `path` leads to after every symlink on the way is followed; undefined for a loop or a target above the root. */
export function resolveInImage(path: string, symlinks: ReadonlyMap<string, string>): string | undefined {
  let rest = path.split('/').filter(Boolean);
  let resolved = '';
  let hops = 0;
  while (rest.length) {
    const candidate = resolved ? `${resolved}/${rest[0]}` : rest[0]!;
    const target = symlinks.get(candidate);
    if (target === undefined) {
      resolved = candidate;
      rest = rest.slice(1);
      continue;
    }
    if (++hops > MAX_HOPS) return undefined;
    const joined = target.startsWith('/') ? target : `${dirnameOf(candidate)}/${target}`;
    const next = normaliseImagePath(joined);
    if (!next.ok) return undefined;
    rest = [...next.path.split('/').filter(Boolean), ...rest.slice(1)];
    resolved = '';
  }
  return resolved;
}
