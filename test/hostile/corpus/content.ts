/**
 * Honest content the hostile cases wrap: an Alpine 3.20 root (its real apk
 * database, from test/fixtures/os/apk, see SOURCE.md there) so a case can
 * show what still gets found around the broken part, and a dpkg paragraph
 * builder for the oversized status files.
 */
import { readFileSync } from 'node:fs';
import { fixture } from '../../support/paths.js';
import type { RawTarEntry } from './tar-writer.js';

export const ALPINE_PACKAGES = 14;

export function alpineRoot(): RawTarEntry[] {
  return [
    { name: 'etc/', type: 'dir' },
    { name: 'etc/alpine-release', body: readFileSync(fixture('os', 'release', 'alpine-3.20.3.alpine-release')) },
    { name: 'etc/os-release', body: readFileSync(fixture('os', 'release', 'alpine-3.20.3.os-release')) },
    { name: 'lib/apk/db/installed', body: readFileSync(fixture('os', 'apk', 'installed')) },
  ];
}

export function dpkgParagraph(name: string, version: string, extra = ''): string {
  return `Package: ${name}\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: 10\nMaintainer: Corpus <corpus@example.invalid>\nArchitecture: amd64\nVersion: ${version}\nDescription: generated package ${name}${extra}\n\n`;
}

export const DEBIAN_OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';
