/**
 * End-to-end tests scan real images made by ../shared/images/build-images.sh.
 * They are built once into a cache reused between runs (CUSTOMS_TEST_IMAGES,
 * default <tmp>/customs-images). Where ../shared or root is missing the caller
 * skips with the reason this returns — never a silent pass.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDir } from './paths.js';

export const imageCache = process.env.CUSTOMS_TEST_IMAGES ?? join(tmpdir(), 'customs-images');

export const ALL_IMAGES = [
  'debian-bullseye',
  'debian-bookworm',
  'debian-trixie',
  'node-app',
  'polyglot',
  'distroless',
  'alpine-amd64',
  'alpine-arm64',
  'alpine-multiarch',
] as const;
export type ImageName = (typeof ALL_IMAGES)[number];

export type Images = { cache: string } | { skip: string };

/** Builds (or reuses) the named images; returns the cache dir or why the test must skip. */
export function ensureImages(names: readonly string[]): Images {
  const script = join(sharedDir, 'images', 'build-images.sh');
  if (!existsSync(script)) return { skip: `skipped: ${script} not found (../shared is not beside the repo)` };
  if (process.getuid?.() !== 0) return { skip: 'skipped: building test images needs root (debootstrap, buildah)' };
  // flock: test files run in parallel and the build script is not re-entrant.
  execFileSync('flock', [`${imageCache}.lock`, 'bash', script, imageCache, ...names], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 30 * 60_000,
  });
  return { cache: imageCache };
}

/** The four on-disk forms of one image. */
export function imageForms(
  cache: string,
  name: string,
): Record<'oci' | 'ociArchive' | 'dockerArchive' | 'docker25', string> {
  return {
    oci: join(cache, 'oci', name),
    ociArchive: join(cache, 'oci-archive', `${name}.tar`),
    dockerArchive: join(cache, 'docker-archive', `${name}.tar`),
    docker25: join(cache, 'docker-archive', `${name}.docker25.tar`),
  };
}
