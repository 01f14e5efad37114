/**
 * A small real-shaped image written in the test: Debian bookworm's
 * os-release and a dpkg status with two packages at versions Debian has
 * advisories for (fixed later), as a docker-archive tar. For tests that
 * need a scan with findings but neither root nor the built images.
 */
import { join } from 'node:path';
import { gzipLayer, writeDockerArchive } from '../hostile/corpus/image-writer.js';
import { rawTar } from '../hostile/corpus/tar-writer.js';

export function writeSmallBookwormImage(dir: string, name = 'small-bookworm'): string {
  const status = [
    'Package: libexpat1\nStatus: install ok installed\nVersion: 2.5.0-1\nArchitecture: amd64\nSource: expat\n',
    'Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\nSource: zlib\n',
  ].join('\n');
  const tar = rawTar([
    { name: 'etc/os-release', body: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
    { name: 'var/lib/dpkg/status', body: status },
  ]);
  const file = join(dir, 'image.tar');
  writeDockerArchive(file, name, { layers: [gzipLayer(tar)] });
  return file;
}
