/**
 * The hostile corpus: every case is a real input (an image in both on-disk
 * forms, an SBOM, or an OSV export folder) plus the outcome customs must
 * give it — exit code, the words of the message, what the report still
 * holds. `../corpus-dir.ts` writes them; test/hostile/corpus.test.ts runs them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { gzipBomb, zstdBomb, type BombLayer } from './bombs.js';
import { alpineRoot, ALPINE_PACKAGES, DEBIAN_OS_RELEASE, dpkgParagraph } from './content.js';
import {
  gzipLayer,
  plainLayer,
  writeDockerArchive,
  writeOciLayout,
  type ImageSpec,
  type LayerBlob,
} from './image-writer.js';
import { rawTar, tarEntry, type RawTarEntry } from './tar-writer.js';
import { makeZip } from './zip-writer.js';
import { SECRET_WORST_CASES } from './secret-worst-cases.js';

/** The parts of customs' JSON report a case looks at. */
export interface JsonReport {
  Metadata?: { OS?: { Family?: string; Name?: string } };
  Results?: { Target: string; Type?: string; Packages?: { Name: string; Version: string }[] }[];
}

export interface Expectation {
  exit: 0 | 1;
  /** Every pattern must be found on stderr. */
  stderr?: RegExp[];
  /** Checks on the JSON report (exit 0 only). */
  report?: (r: JsonReport) => void;
  /** Checks on `db status --json` after an OSV case's `db update`. */
  status?: (s: { ecosystems: Record<string, { records: number; skipped: number }> }) => void;
  /** Host paths the input tries to reach; none may exist afterwards. */
  hostPathsAbsent?: string[];
}

export type CaseInput =
  | { kind: 'image'; spec: () => Promise<ImageSpec>; forms?: ('docker-archive' | 'oci')[] }
  | { kind: 'sbom'; file: () => string | Buffer }
  | { kind: 'osv'; zips: () => Record<string, Buffer> };

export interface Case {
  name: string;
  /** What the input does, for the test title. */
  what: string;
  input: CaseInput;
  /** Flags added to the command line (caps lowered, for instance). */
  args?: string[];
  /** Images and SBOMs are scanned with --list-all-pkgs unless this is false. */
  listPackages?: boolean;
  /** Runs the input of another case (a second expectation on one input). */
  reuses?: string;
  expect: Expectation;
}

const MiB = 1024 * 1024;
const alpine = (): RawTarEntry[] => alpineRoot();
const layerOf = (entries: RawTarEntry[]): LayerBlob => gzipLayer(rawTar(entries));
const bombLayer = (b: BombLayer, mediaType: string): LayerBlob => ({ blob: b.blob, diffId: b.diffId, mediaType });

export function packagesOf(r: JsonReport, type?: string): { Name: string; Version: string }[] {
  return (r.Results ?? []).filter((x) => !type || x.Type === type).flatMap((x) => x.Packages ?? []);
}

function equal(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

const alpineStillFound = (r: JsonReport): void => {
  equal(r.Metadata?.OS?.Family, 'alpine', 'OS family');
  equal(packagesOf(r, 'alpine').length, ALPINE_PACKAGES, 'apk packages');
};

function nestedJar(depth: number): Buffer {
  let inner: Buffer | undefined;
  for (let d = depth; d >= 0; d--) {
    const pom = Buffer.from(`groupId=org.corpus\nartifactId=level${d}\nversion=1.0.${d}\n`);
    const entries: { name: string; data: Buffer }[] = [
      { name: `META-INF/maven/org.corpus/level${d}/pom.properties`, data: pom },
    ];
    if (inner) entries.push({ name: `BOOT-INF/lib/level${d + 1}.jar`, data: inner });
    inner = makeZip(entries);
  }
  return inner!;
}

function cdx(components: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components, ...extra });
}

function osvRecord(id: string, pkg: string, events: unknown[], extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      schema_version: '1.6.0',
      id,
      modified: '2026-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'Alpine:v3.20', name: pkg }, ranges: [{ type: 'ECOSYSTEM', events }] }],
      ...extra,
    }),
  );
}

export const cases: Case[] = [
  // --- paths inside layers
  {
    name: 'tar-parent-paths',
    what: 'entries named ../../ climb above the root',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            ...alpine(),
            { name: '../../../../../../tmp/customs-hostile-escape', body: 'owned' },
            { name: 'a/../../etc/passwd', body: 'root::0:0::/:/bin/sh\n' },
          ]),
        ],
      }),
    },
    expect: {
      exit: 0,
      stderr: [/skipped tar entry "\.\.\/\.\.\/.*climbs above the image root/],
      report: alpineStillFound,
      hostPathsAbsent: ['/tmp/customs-hostile-escape'],
    },
  },
  {
    name: 'tar-absolute-paths',
    what: 'entries with absolute names are read as image-rooted',
    input: {
      kind: 'image',
      spec: async () => ({ layers: [layerOf(alpine().map((e) => ({ ...e, name: `/${String(e.name)}` })))] }),
    },
    expect: { exit: 0, report: alpineStillFound },
  },
  {
    name: 'symlink-escape',
    what: "etc -> /etc, etc/passwd through it, usr/lib/os-release -> the host's /etc/os-release",
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            { name: 'etc', type: 'symlink', linkname: '/etc' },
            { name: 'etc/passwd', body: 'x:0:0\n' },
            { name: 'usr/lib/os-release', type: 'symlink', linkname: '/etc/os-release' },
            { name: 'var/lib/dpkg', type: 'symlink', linkname: '../../../../../../var/lib/dpkg' },
          ]),
        ],
      }),
    },
    expect: {
      exit: 0,
      report: (r) => {
        equal(r.Metadata?.OS, undefined, "OS (the host's must not be read)");
        equal(packagesOf(r).length, 0, 'packages');
      },
    },
  },
  {
    name: 'hardlink-escape',
    what: 'hardlinks to ../../etc/shadow and to /etc/passwd where the dpkg database should be',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            ...alpine(),
            { name: 'var/lib/dpkg/status', type: 'hardlink', linkname: '/etc/passwd' },
            { name: 'var/lib/dpkg/available', type: 'hardlink', linkname: '../../../../etc/shadow' },
          ]),
        ],
      }),
    },
    expect: {
      exit: 0,
      stderr: [/var\/lib\/dpkg\/status is a hardlink to etc\/passwd, whose content was not kept/],
      report: (r) => {
        alpineStillFound(r);
        equal(packagesOf(r, 'debian').length, 0, 'dpkg packages');
      },
    },
  },
  {
    name: 'symlink-loops',
    what: 'symlink loops, a 100-link chain and a self-link where os-release should be',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            ...alpine().filter((e) => e.name !== 'etc/os-release'),
            { name: 'loop/a', type: 'symlink', linkname: 'b' },
            { name: 'loop/b', type: 'symlink', linkname: 'a' },
            { name: 'etc/os-release', type: 'symlink', linkname: 'os-release' },
            ...Array.from({ length: 100 }, (_, i): RawTarEntry => ({
              name: `chain/l${i}`,
              type: 'symlink',
              linkname: i === 99 ? '/etc/os-release' : `l${i + 1}`,
            })),
          ]),
        ],
      }),
    },
    expect: { exit: 0, report: (r) => equal(packagesOf(r, 'alpine').length, ALPINE_PACKAGES, 'apk packages') },
  },
  {
    name: 'symlinked-dpkg-dir',
    what: "var/lib/dpkg is a symlink to the host's /var/lib/dpkg",
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            { name: 'etc/os-release', body: DEBIAN_OS_RELEASE },
            { name: 'var/lib/dpkg', type: 'symlink', linkname: '/var/lib/dpkg' },
          ]),
        ],
      }),
    },
    expect: {
      exit: 0,
      report: (r) => {
        equal(r.Metadata?.OS?.Family, 'debian', 'OS family');
        equal(packagesOf(r).length, 0, "packages (the host's must not be read)");
      },
    },
  },
  // --- compression and size
  {
    name: 'gzip-bomb',
    what: 'a gzip layer expanding 300 MiB of zeros from 300 KiB',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [layerOf(alpine()), bombLayer(await gzipBomb(300), 'application/vnd.oci.image.layer.v1.tar+gzip')],
      }),
    },
    expect: {
      exit: 1,
      stderr: [
        /layer sha256:[0-9a-f]{12}.*compression ratio \d+:1: exceeds max compression ratio \(1000\).*--max-compression-ratio/,
      ],
    },
  },
  {
    name: 'zstd-bomb',
    what: 'a zstd layer of RLE blocks expanding 2 GiB from 64 KiB',
    input: {
      kind: 'image',
      spec: async () => ({ layers: [bombLayer(zstdBomb(2048), 'application/vnd.oci.image.layer.v1.tar+zstd')] }),
    },
    expect: {
      exit: 1,
      stderr: [/compression ratio \d+:1: exceeds max compression ratio \(1000\).*--max-compression-ratio/],
    },
  },
  {
    name: 'layer-size-cap',
    what: 'the zstd bomb again under a 100 MiB layer cap',
    input: { kind: 'image', spec: async () => ({ layers: [] }) },
    reuses: 'zstd-bomb',
    args: ['--max-layer-size', String(100 * MiB), '--max-compression-ratio', '100000'],
    expect: { exit: 1, stderr: [/decompressed size: exceeds max layer size \(104857600\).*--max-layer-size/] },
  },
  {
    name: 'jar-zip-bomb',
    what: 'jars holding a 200 MiB zero entry, and one whose entry lies about its size',
    input: {
      kind: 'image',
      spec: async () => {
        const zeros = Buffer.alloc(200 * MiB);
        const pom = {
          name: 'META-INF/maven/org.corpus/bomb/pom.properties',
          data: Buffer.from('groupId=org.corpus\nartifactId=bomb\nversion=6.6.6\n'),
        };
        const bomb = makeZip([pom, { name: 'BOOT-INF/lib/zeros.jar', data: zeros, deflate: true }]);
        const liar = makeZip([
          { name: 'BOOT-INF/lib/liar.jar', data: zeros.subarray(0, 20 * MiB), deflate: true, declaredSize: 100 },
        ]);
        return {
          layers: [layerOf([...alpine(), { name: 'app/bomb.jar', body: bomb }, { name: 'app/liar.jar', body: liar }])],
        };
      },
    },
    expect: {
      exit: 0,
      stderr: [
        /app\/bomb\.jar!\/BOOT-INF\/lib\/zeros\.jar: .*(over the \d+-byte cap|zip bomb)/,
        /app\/liar\.jar!\/BOOT-INF\/lib\/liar\.jar: .*(too many bytes|size|bomb)/,
      ],
      report: (r) => {
        alpineStillFound(r);
        equal(
          packagesOf(r, 'jar').some((p) => p.Name === 'org.corpus:bomb'),
          true,
          "the bomb jar's own pom",
        );
      },
    },
  },
  {
    name: 'jar-nested-50',
    what: 'a jar nested 50 deep (Spring Boot style BOOT-INF/lib)',
    input: {
      kind: 'image',
      spec: async () => ({ layers: [layerOf([...alpine(), { name: 'app/app.jar', body: nestedJar(50) }])] }),
    },
    expect: {
      exit: 0,
      stderr: [/app\/app\.jar(!\/BOOT-INF\/lib\/level\d+\.jar)+: archives nested deeper than \d+ are not opened/],
      report: (r) => {
        const jars = packagesOf(r, 'jar');
        equal(jars.length > 1 && jars.length < 10, true, `jar packages found to the depth cap (${jars.length})`);
      },
    },
  },
  {
    name: 'tar-10gb-header',
    what: 'a tar header claiming a 10 GiB dpkg status, then the archive ends',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          plainLayer(
            Buffer.concat(
              tarEntry({ name: 'var/lib/dpkg/status', body: dpkgParagraph('a', '1'), headerSize: 10 * 1024 ** 3 }),
            ),
          ),
        ],
      }),
    },
    expect: { exit: 1, stderr: [/layer sha256:[0-9a-f]{12}.*(truncated|cannot read the layer|Unexpected end)/] },
  },
  {
    name: 'million-files',
    what: '1,000,000 empty files in one layer',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf(alpine()),
          gzipLayer(rawTar(Array.from({ length: 1_000_000 }, (_, i) => ({ name: `f/${i % 1000}/${i}` })))),
        ],
      }),
    },
    expect: { exit: 0, report: alpineStillFound },
  },
  {
    name: 'entries-cap',
    what: 'the million files again under a 100,000-entry cap',
    input: { kind: 'image', spec: async () => ({ layers: [] }) },
    reuses: 'million-files',
    args: ['--max-entries-per-layer', '100000'],
    expect: { exit: 1, stderr: [/tar entries: exceeds max entries per layer \(100000\).*--max-entries-per-layer/] },
  },
  {
    name: 'deep-tree',
    what: 'a directory tree 200 levels deep and a 5000-character path',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            ...alpine(),
            { name: `${'d/'.repeat(200)}etc/os-release`, body: DEBIAN_OS_RELEASE },
            { name: `${'x'.repeat(99)}/`.repeat(50) + 'f', body: 'deep' },
          ]),
        ],
      }),
    },
    expect: { exit: 0, stderr: [/path longer than 4096 characters/], report: alpineStillFound },
  },
  {
    name: 'bad-names',
    what: 'names with a newline, invalid UTF-8 and a NUL byte',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            ...alpine(),
            { name: 'etc/new\nline', body: 'x' },
            { name: Buffer.from([0x6f, 0x70, 0x74, 0x2f, 0xff, 0xfe, 0xc3, 0x28]), body: 'x' },
            { name: 'placeholder', body: 'x', pax: { path: Buffer.from('lib/apk/db/installed\0.evil') } },
          ]),
        ],
      }),
    },
    expect: { exit: 0, stderr: [/path contains a NUL byte/], report: alpineStillFound },
  },
  // --- image structure
  {
    name: 'truncated-layer',
    what: 'a gzip layer cut in half',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            ...alpine(),
            { name: 'pad.bin', body: Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) & 0xff)) },
          ]),
        ],
        storedBlob: (_i, b) => b.subarray(0, b.length >> 1),
      }),
    },
    expect: { exit: 1, stderr: [/layer sha256:[0-9a-f]{12}.*(truncated|digest mismatch|corrupt)/] },
  },
  {
    name: 'digest-mismatch',
    what: 'a layer with one byte changed',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [plainLayer(rawTar(alpine()))],
        storedBlob: (_i, b) => {
          const c = Buffer.from(b);
          c[600] = c[600]! ^ 1;
          return c;
        },
      }),
    },
    expect: { exit: 1, stderr: [/layer sha256:[0-9a-f]{12}.*digest mismatch.*re-export or re-pull/] },
  },
  {
    name: 'manifest-not-json',
    what: 'a manifest that is not JSON',
    input: {
      kind: 'image',
      spec: async () => ({ layers: [layerOf(alpine())], rawManifest: Buffer.from('<html>this is not a manifest') }),
    },
    expect: { exit: 1, stderr: [/(manifest\.json|blobs\/sha256\/[0-9a-f]{64}) is not valid JSON/] },
  },
  {
    name: 'layer-not-tar',
    what: 'a layer of random bytes that is neither compressed nor a tar',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [plainLayer(Buffer.from(Array.from({ length: 4096 }, (_, i) => ((i * 2654435761) >>> 11) & 0xff)))],
      }),
    },
    expect: {
      exit: 1,
      stderr: [/layer sha256:[0-9a-f]{12}.*cannot read the layer: .*(tar|header).*re-pull or re-export/],
    },
  },
  {
    name: 'empty-layer',
    what: 'a layer blob of zero bytes',
    input: { kind: 'image', spec: async () => ({ layers: [layerOf(alpine()), plainLayer(Buffer.alloc(0))] }) },
    expect: { exit: 0, report: alpineStillFound },
  },
  {
    name: 'config-not-json',
    what: 'an image config that is not JSON',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [layerOf(alpine())],
        rawConfig: Buffer.from('{"architecture": "amd64", "rootfs": '),
      }),
    },
    expect: { exit: 1, stderr: [/(\.json|blobs\/sha256\/[0-9a-f]{64}) is not valid JSON/] },
  },
  {
    name: 'self-index',
    what: 'an image index that lists itself',
    input: { kind: 'image', spec: async () => ({ layers: [layerOf(alpine())], selfIndex: true }), forms: ['oci'] },
    expect: { exit: 1, stderr: [/(digest mismatch|refers to itself|nested deeper)/] },
  },
  {
    name: 'huge-history',
    what: 'a config with 100,000 history entries',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [layerOf(alpine())],
        config: {
          history: [
            { created_by: 'ADD alpine-minirootfs /' },
            ...Array.from({ length: 100_000 }, (_, i) => ({ created_by: `ENV X${i}=${i}`, empty_layer: true })),
          ],
        },
      }),
    },
    expect: { exit: 0, report: alpineStillFound },
  },
  {
    name: 'duplicate-layers',
    what: 'the same layer listed twice',
    input: {
      kind: 'image',
      spec: async () => {
        const l = layerOf(alpine());
        return { layers: [l, l] };
      },
    },
    expect: { exit: 0, report: alpineStillFound },
  },
  {
    name: 'too-many-layers',
    what: '600 layers, above the 500-layer cap (refused from the manifest, before any layer is read)',
    input: {
      kind: 'image',
      spec: async () => {
        const l = layerOf([{ name: 'x', body: 'x' }]);
        return { layers: Array.from({ length: 600 }, () => l) };
      },
    },
    expect: { exit: 1, stderr: [/600 layers: exceeds max layers \(500\).*--max-layers/] },
  },
  {
    name: 'layers-cap-raised',
    what: 'the 600 layers again under --max-layers 1000',
    input: { kind: 'image', spec: async () => ({ layers: [] }) },
    reuses: 'too-many-layers',
    args: ['--max-layers', '1000'],
    expect: { exit: 0 },
  },
  {
    name: 'zero-layers',
    what: 'an image without layers',
    input: { kind: 'image', spec: async () => ({ layers: [] }) },
    expect: { exit: 0, stderr: [/has no layers/], report: (r) => equal(packagesOf(r).length, 0, 'packages') },
  },
  // --- package databases
  {
    name: 'dpkg-100k-packages',
    what: 'a dpkg status with 100,000 packages',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            { name: 'etc/os-release', body: DEBIAN_OS_RELEASE },
            {
              name: 'var/lib/dpkg/status',
              body: Array.from({ length: 100_000 }, (_, i) => dpkgParagraph(`pkg${i}`, `1.${i}-1`)).join(''),
            },
          ]),
        ],
      }),
    },
    // Not listed: rendering 100,000 packages as JSON is the report's cost, not the parser's; the count comes from --debug.
    listPackages: false,
    expect: { exit: 0, stderr: [/inventory: 100000 packages from 1 layers/] },
  },
  {
    name: 'memory-budget',
    what: 'the 100,000-package status again under a 20 MB memory budget',
    input: { kind: 'image', spec: async () => ({ layers: [] }) },
    reuses: 'dpkg-100k-packages',
    args: ['--memory-budget', '20000000'],
    listPackages: false,
    expect: {
      exit: 0,
      stderr: [
        /var\/lib\/dpkg\/status: \d+ bytes is more than one file may take of the memory budget \(5000000\); not analysed \(raise --memory-budget\)/,
        /inventory: 0 packages/,
      ],
    },
  },
  {
    name: 'dpkg-10mb-paragraph',
    what: 'a dpkg status paragraph of 10 MiB between two good ones',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            { name: 'etc/os-release', body: DEBIAN_OS_RELEASE },
            {
              name: 'var/lib/dpkg/status',
              body:
                dpkgParagraph('before', '1') +
                dpkgParagraph('huge', '1', `\n ${'x'.repeat(10 * MiB)}`) +
                dpkgParagraph('after', '2'),
            },
          ]),
        ],
      }),
    },
    expect: {
      exit: 0,
      stderr: [/var\/lib\/dpkg\/status: paragraph at line \d+ is larger than \d+ bytes; skipped/],
      report: (r) =>
        equal(
          packagesOf(r, 'debian')
            .map((p) => p.Name)
            .sort()
            .join(','),
          'after,before',
          'dpkg packages',
        ),
    },
  },
  {
    name: 'dpkg-binary-junk',
    what: '1 MiB of binary junk where the dpkg status should be',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            { name: 'etc/os-release', body: DEBIAN_OS_RELEASE },
            {
              name: 'var/lib/dpkg/status',
              body: Buffer.from(Array.from({ length: MiB }, (_, i) => ((i * 2654435761) >>> 13) & 0xff)),
            },
          ]),
        ],
      }),
    },
    expect: {
      exit: 0,
      stderr: [/var\/lib\/dpkg\/status: binary data where a dpkg status file was expected/],
      report: (r) => equal(packagesOf(r).length, 0, 'packages'),
    },
  },
  {
    name: 'dpkg-broken-lines',
    what: 'a dpkg status of 5,000 paragraphs that are not deb822',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            { name: 'etc/os-release', body: DEBIAN_OS_RELEASE },
            {
              name: 'var/lib/dpkg/status',
              body:
                dpkgParagraph('good', '1') +
                Array.from({ length: 5000 }, (_, i) => `this is line ${i} and not a field\n\n`).join(''),
            },
          ]),
        ],
      }),
    },
    expect: {
      exit: 0,
      stderr: [
        /not a "Field: value" line; paragraph skipped/,
        /var\/lib\/dpkg\/status: \d+ more warnings from the dpkg analyzer not shown/,
      ],
      report: (r) =>
        equal(
          packagesOf(r, 'debian')
            .map((p) => p.Name)
            .join(','),
          'good',
          'dpkg packages',
        ),
    },
  },
  {
    name: 'apk-broken-records',
    what: 'an apk database with broken records between good ones',
    input: {
      kind: 'image',
      spec: async () => ({
        layers: [
          layerOf([
            ...alpine().filter((e) => e.name !== 'lib/apk/db/installed'),
            {
              name: 'lib/apk/db/installed',
              body: `P:good\nV:1.0-r0\nA:x86_64\nL:MIT\n\nP:noversion\nA:x86_64\n\n\u0000\u0001garbage without colon\n\nV:2.0-r0\nP:\n\n${'Z:'.repeat(100_000)}\n\nP:alsogood\nV:2.0-r1\n\n`,
            },
          ]),
        ],
      }),
    },
    expect: {
      exit: 0,
      stderr: [/lib\/apk\/db\/installed: /],
      report: (r) =>
        equal(
          packagesOf(r, 'alpine')
            .map((p) => p.Name)
            .sort()
            .join(','),
          'alsogood,good',
          'apk packages',
        ),
    },
  },
  // --- SBOMs
  {
    name: 'sbom-million-components',
    what: 'a CycloneDX SBOM with 1,000,000 components',
    input: {
      kind: 'sbom',
      file: () =>
        cdx(
          Array.from({ length: 1_000_000 }, (_, i) => ({
            type: 'library',
            name: `p${i}`,
            version: '1.0.0',
            purl: `pkg:npm/p${i}@1.0.0`,
          })),
        ),
    },
    expect: { exit: 1, stderr: [/components: exceeds max SBOM components \(\d+\).*--max-sbom-components/] },
  },
  {
    name: 'sbom-deep-nesting',
    what: 'components nested 5,000 deep',
    input: {
      // Written as text: JSON.stringify itself overflows the stack at this depth.
      kind: 'sbom',
      file: () =>
        cdx([]).replace(
          '"components":[]',
          `"components":[${Array.from({ length: 5000 }, (_, i) => `{"type":"library","name":"n${i}","version":"1","purl":"pkg:npm/n${i}@1","components":[`).join('')}{"type":"library","name":"leaf","version":"1","purl":"pkg:npm/leaf@1"}${']}'.repeat(5000)}]`,
        ),
    },
    expect: {
      exit: 0,
      stderr: [/components nested deeper than \d+ levels are ignored/],
      report: (r) => equal(packagesOf(r).length > 0, true, 'the shallow components'),
    },
  },
  {
    name: 'sbom-dependency-cycles',
    what: 'dependencies in cycles, self-dependencies and unknown refs',
    input: {
      kind: 'sbom',
      file: () =>
        cdx(
          [
            { 'bom-ref': 'a', type: 'library', name: 'a', version: '1', purl: 'pkg:npm/a@1' },
            { 'bom-ref': 'b', type: 'library', name: 'b', version: '1', purl: 'pkg:npm/b@1' },
          ],
          {
            dependencies: [
              { ref: 'a', dependsOn: ['b', 'a'] },
              { ref: 'b', dependsOn: ['a', 'nowhere'] },
              { ref: 'nowhere', dependsOn: ['a'] },
            ],
          },
        ),
    },
    expect: {
      exit: 0,
      report: (r) =>
        equal(
          packagesOf(r)
            .map((p) => p.Name)
            .sort()
            .join(','),
          'a,b',
          'packages',
        ),
    },
  },
  {
    name: 'sbom-bad-purls',
    what: 'invalid purls beside a good one',
    input: {
      kind: 'sbom',
      file: () =>
        cdx([
          { type: 'library', name: 'ok', version: '1', purl: 'pkg:npm/ok@1' },
          ...[
            'pkg:',
            'not a purl',
            'pkg:npm/%zz@1',
            'pkg:deb/debian/x@1?distro=../../etc',
            `pkg:npm/${'a'.repeat(100_000)}@1`,
            'pkg:npm/@',
            'pkg:/npm/x@1',
          ].map((purl, i) => ({ type: 'library', name: `bad${i}`, version: '1', purl })),
        ]),
    },
    expect: {
      exit: 0,
      stderr: [/purl .* is not one customs can match; skipped/],
      report: (r) =>
        equal(
          packagesOf(r).some((p) => p.Name === 'ok'),
          true,
          'the good component',
        ),
    },
  },
  {
    name: 'sbom-not-json',
    what: 'an SBOM that is neither JSON nor tag-value',
    input: { kind: 'sbom', file: () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) },
    expect: { exit: 1, stderr: [/sbom-not-json\.json: .*(not|unrecognised|unknown)/i] },
  },
  // --- OSV exports
  {
    name: 'osv-malformed-json',
    what: 'an OSV zip with a broken record beside a good one',
    input: {
      kind: 'osv',
      zips: () => ({
        Alpine: makeZip([
          { name: 'BAD-1.json', data: Buffer.from('{"id": "BAD-1", "affected": [') },
          { name: 'GOOD-1.json', data: osvRecord('GOOD-1', 'musl', [{ introduced: '0' }, { fixed: '1.2.5-r1' }]) },
        ]),
      }),
    },
    expect: {
      exit: 0,
      stderr: [/Alpine\/all\.zip: BAD-1\.json: bad JSON/],
      status: (st) => equal(st.ecosystems['Alpine']?.records, 1, 'Alpine records'),
    },
  },
  {
    name: 'osv-100k-ranges',
    what: 'one OSV record with 100,000 range events',
    input: {
      kind: 'osv',
      zips: () => ({
        Alpine: makeZip([
          {
            name: 'HUGE-1.json',
            deflate: true,
            data: osvRecord(
              'HUGE-1',
              'musl',
              Array.from({ length: 100_000 }, (_, i) => (i % 2 ? { fixed: `1.${i}` } : { introduced: `1.${i}` })),
            ),
          },
          { name: 'GOOD-1.json', data: osvRecord('GOOD-1', 'musl', [{ introduced: '0' }, { fixed: '1.2.5-r1' }]) },
        ]),
      }),
    },
    expect: {
      exit: 0,
      stderr: [/HUGE-1\.json: .*more than \d+ range events; skipped/],
      status: (st) => equal(st.ecosystems['Alpine']?.records, 1, 'Alpine records'),
    },
  },
  {
    // Issue 22: one 20 KB file held `--scanners secret --timeout 10s` past 120 s (the private-key regex backtracked).
    name: 'secret-rule-worst-cases',
    what: "the private-key attacks at 1 MiB each and every other built-in secret rule's worst case, under --timeout 10s",
    input: {
      kind: 'image',
      forms: ['oci'],
      spec: async () => ({
        layers: [
          layerOf(
            Object.entries(SECRET_WORST_CASES).flatMap(([rule, cases]) =>
              Object.entries(cases)
                .filter((_, i) => rule === 'private-key' || i === 0)
                .map(([name, make], i) => ({
                  name: `srv/${rule}/${i}-${name.replace(/[^a-z0-9]+/gi, '-')}.txt`,
                  body: make(rule === 'private-key' ? MiB : MiB / 4),
                })),
            ),
          ),
        ],
      }),
    },
    args: ['--timeout', '10s'],
    expect: { exit: 0, report: (r) => equal(Array.isArray(r.Results), true, 'a report') },
  },
  {
    name: 'osv-invalid-versions',
    what: 'OSV records whose versions are not versions',
    input: {
      kind: 'osv',
      zips: () => ({
        Alpine: makeZip([
          {
            name: 'ODD-1.json',
            data: osvRecord('ODD-1', 'musl', [{ introduced: 'not a version' }, { fixed: '\u{1F4A5}' }], {
              affected: [
                {
                  package: { ecosystem: 'Alpine:v3.20', name: 'musl' },
                  versions: [null, 42, 'x'.repeat(10_000)],
                  ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: 'not a version' }, { fixed: '\u{1F4A5}' }] }],
                },
              ],
            }),
          },
        ]),
      }),
    },
    expect: { exit: 0, status: (st) => equal(st.ecosystems['Alpine']?.records, 1, 'Alpine records') },
  },
  {
    name: 'osv-zip-traversal',
    what: 'OSV zip entries named ../../x.json and /tmp/…json',
    input: {
      kind: 'osv',
      zips: () => ({
        Alpine: makeZip([
          { name: '../../customs-osv-escape.json', data: osvRecord('ESC-1', 'musl', [{ introduced: '0' }]) },
          { name: '/tmp/customs-osv-escape.json', data: osvRecord('ESC-2', 'musl', [{ introduced: '0' }]) },
          { name: 'GOOD-1.json', data: osvRecord('GOOD-1', 'musl', [{ introduced: '0' }, { fixed: '1.2.5-r1' }]) },
        ]),
      }),
    },
    expect: {
      exit: 0,
      stderr: [/\.\.\/\.\.\/customs-osv-escape\.json: unsafe entry name; skipped/],
      status: (st) => equal(st.ecosystems['Alpine']?.records, 1, 'Alpine records'),
      hostPathsAbsent: ['/tmp/customs-osv-escape.json'],
    },
  },
];

/** Where a case's input lives inside the corpus folder. */
export function inputPaths(dir: string, c: Case): { dockerArchive: string; oci: string; sbom: string; osv: string } {
  const name = c.reuses ?? c.name;
  return {
    dockerArchive: join(dir, `${name}.docker.tar`),
    oci: join(dir, `${name}.oci`),
    sbom: join(dir, `${name}.json`),
    osv: join(dir, `${name}.osv`),
  };
}

export async function writeCase(dir: string, c: Case): Promise<void> {
  if (c.reuses) return;
  const p = inputPaths(dir, c);
  const input = c.input;
  if (input.kind === 'image') {
    const spec = await input.spec();
    const forms = input.forms ?? ['docker-archive', 'oci'];
    if (forms.includes('docker-archive')) writeDockerArchive(p.dockerArchive, c.name, spec);
    if (forms.includes('oci')) writeOciLayout(p.oci, c.name, spec);
  } else if (input.kind === 'sbom') {
    writeFileSync(p.sbom, input.file());
  } else {
    for (const [eco, zip] of Object.entries(input.zips())) {
      mkdirSync(join(p.osv, eco), { recursive: true });
      writeFileSync(join(p.osv, eco, 'all.zip'), zip);
    }
  }
}
