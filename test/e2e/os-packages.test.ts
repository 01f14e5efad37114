/**
 * Acceptance: for every image build-images.sh makes, in all four forms, the
 * OS packages customs lists equal what dpkg-query / the apk database of the
 * unpacked final filesystem lists (whiteouts applied by umoci), and each
 * package's layer is the one whose package database first holds it in its
 * final version. The expected side uses only the real tools (umoci, tar,
 * dpkg-query) — never customs' own parsers.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureImages, imageForms } from '../support/images.js';
import { readLayout } from '../support/oci-layout.js';

const IMAGES = [
  'debian-bullseye',
  'debian-bookworm',
  'debian-trixie',
  'node-app',
  'polyglot',
  'distroless',
  'alpine-amd64',
  'alpine-arm64',
];
const work = mkdtempSync(join(tmpdir(), 'customs-e2e-os-'));
after(() => rmSync(work, { recursive: true, force: true }));

type Pkg = string; // name \t version \t arch

function dpkgQuery(admindir: string): Set<Pkg> {
  const out = execFileSync(
    'dpkg-query',
    [`--admindir=${admindir}`, '-W', '-f', '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  return new Set(
    out
      .split('\n')
      .filter((l) => l.startsWith('ii '))
      .map((l) => l.split('\t').slice(1).join('\t')),
  );
}

/** dpkg-query over a status file given as text. */
function dpkgQueryText(status: string): Set<Pkg> {
  const dir = mkdtempSync(join(work, 'admin-'));
  writeFileSync(join(dir, 'status'), status);
  mkdirSync(join(dir, 'info'));
  mkdirSync(join(dir, 'updates'));
  return dpkgQuery(dir);
}

/** Distroless keeps one control paragraph per file without Status: give each one. */
function statusFromStatusD(files: string[]): string {
  return files
    .map((t) => t.trimEnd().replace(/^(Package: .*)$/m, '$1\nStatus: install ok installed') + '\n\n')
    .join('');
}

function apkInstalled(text: string): Set<Pkg> {
  const out = new Set<Pkg>();
  for (const rec of text.split('\n\n')) {
    const f = Object.fromEntries(
      rec
        .split('\n')
        .filter((l) => /^[A-Za-z]:/.test(l))
        .map((l) => [l[0], l.slice(2)]),
    ) as Record<string, string>;
    if (f['P'] && f['V']) out.add(`${f['P']}\t${f['V']}\t${f['A'] ?? ''}`);
  }
  return out;
}

function tarList(blob: string): string[] {
  return execFileSync('tar', ['-tzf', blob], { encoding: 'utf8', maxBuffer: 256 << 20 })
    .split('\n')
    .filter(Boolean);
}

function tarCat(blob: string, member: string): string {
  return execFileSync('tar', ['-xzOf', blob, member], { encoding: 'utf8', maxBuffer: 256 << 20 });
}

interface Expected {
  pkgs: Set<Pkg>;
  layerOf: Map<Pkg, number>;
  diffIds: string[];
}

/** The package database of each layer (undefined when the layer does not touch it). */
function layerSnapshots(blobs: string[]): (Set<Pkg> | undefined)[] {
  const statusD = new Map<string, string>();
  return blobs.map((blob) => {
    const names = tarList(blob);
    const find = (p: string) => names.find((n) => n.replace(/^\.?\//, '') === p);
    const status = find('var/lib/dpkg/status');
    if (status) return dpkgQueryText(tarCat(blob, status));
    const apk = find('lib/apk/db/installed');
    if (apk) return apkInstalled(tarCat(blob, apk));
    const d = names.filter((n) => /^(\.\/)?var\/lib\/dpkg\/status\.d\/[^/]+$/.test(n) && !n.endsWith('.md5sums'));
    if (!d.length) return undefined;
    for (const n of d) statusD.set(n, tarCat(blob, n));
    return dpkgQueryText(statusFromStatusD([...statusD.values()]));
  });
}

function expectedFor(name: string, cache: string): Expected {
  const layout = readLayout(join(cache, 'oci', name));
  const bundle = join(work, `bundle-${name}`);
  execFileSync('umoci', ['unpack', '--image', `${join(cache, 'oci', name)}:${layout.tag}`, bundle], {
    stdio: 'ignore',
  });
  const rootfs = join(bundle, 'rootfs');
  let pkgs: Set<Pkg>;
  if (existsSync(join(rootfs, 'var/lib/dpkg/status'))) pkgs = dpkgQuery(join(rootfs, 'var/lib/dpkg'));
  else if (existsSync(join(rootfs, 'var/lib/dpkg/status.d'))) {
    const dir = join(rootfs, 'var/lib/dpkg/status.d');
    pkgs = dpkgQueryText(
      statusFromStatusD(
        readdirSync(dir)
          .filter((f) => !f.endsWith('.md5sums'))
          .map((f) => readFileSync(join(dir, f), 'utf8')),
      ),
    );
  } else pkgs = apkInstalled(readFileSync(join(rootfs, 'lib/apk/db/installed'), 'utf8'));
  rmSync(bundle, { recursive: true, force: true });

  const snaps = layerSnapshots(layout.layerBlobs);
  const layerOf = new Map<Pkg, number>();
  for (const p of pkgs) {
    let first = -1;
    snaps.forEach((s, i) => {
      if (s === undefined) return;
      if (s.has(p)) {
        if (first < 0) first = i;
      } else first = -1;
    });
    layerOf.set(p, first);
  }
  return { pkgs, layerOf, diffIds: layout.config.rootfs.diff_ids };
}

const images = ensureImages(IMAGES);

describe('OS packages equal the real package tools on every image and form', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  for (const name of IMAGES) {
    let expected: Expected;
    describe(name, () => {
      before(() => {
        expected = expectedFor(name, images.cache);
      });
      for (const [form, path] of Object.entries(imageForms(images.cache, name))) {
        test(form, async () => {
          const r = await runCli([
            'image',
            '--input',
            path,
            '--format',
            'json',
            '--list-all-pkgs',
            '--scanners',
            'none',
            '--no-cache',
            '--quiet',
          ]);
          assert.equal(r.code, 0, r.stderr);
          const report = JSON.parse(r.stdout) as {
            Results: {
              Class: string;
              Packages?: { Name: string; Version: string; Arch?: string; Layer?: { DiffID: string } }[];
            }[];
          };
          const os = report.Results.filter((x) => x.Class === 'os-pkgs').flatMap((x) => x.Packages ?? []);
          const got = new Set(os.map((p) => `${p.Name}\t${p.Version}\t${p.Arch ?? ''}`));
          assert.deepEqual([...got].sort(), [...expected.pkgs].sort());
          assert.ok(got.size > 0);
          for (const p of os) {
            const key = `${p.Name}\t${p.Version}\t${p.Arch ?? ''}`;
            assert.equal(p.Layer?.DiffID, expected.diffIds[expected.layerOf.get(key)!], `layer of ${p.Name}`);
          }
        });
      }
    });
  }
});
