/**
 * purls for OS packages, which need the OS (namespace and `distro`), known
 * only once the layers are merged. Per the purl spec, deb and rpm versions
 * carry the epoch as a qualifier, not in the version.
 */
import type { OSInfo } from '../../model/os.js';
import type { Package } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';

function splitEpoch(version: string): { epoch?: string; rest: string } {
  const m = /^(\d+):(.+)$/.exec(version);
  return m ? { epoch: m[1], rest: m[2]! } : { rest: version };
}

export function osPackagePurl(pkg: Package, os: OSInfo | undefined): string {
  const family = os?.family ?? (pkg.ecosystem === 'apk' ? 'alpine' : pkg.ecosystem === 'deb' ? 'debian' : 'unknown');
  const distro = os ? `${os.family}-${os.versionId ?? os.name}` : undefined;
  switch (pkg.ecosystem) {
    case 'deb':
    case 'rpm': {
      const { epoch, rest } = splitEpoch(pkg.version);
      return buildPurl({
        type: pkg.ecosystem,
        namespace: family,
        name: pkg.name,
        version: rest,
        qualifiers: { arch: pkg.arch, epoch: epoch !== '0' ? epoch : undefined, distro },
      });
    }
    case 'apk':
      return buildPurl({
        type: 'apk',
        namespace: family,
        name: pkg.name,
        version: pkg.version,
        qualifiers: { arch: pkg.arch, distro },
      });
    default:
      return pkg.purl;
  }
}
