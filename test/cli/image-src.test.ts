/**
 * `--image-src` from the flag, the environment (TRIVY_IMAGE_SRC,
 * CUSTOMS_IMAGE_SRC) and trivy.yaml (`image.source`), seen through the one
 * "not found" message, which names exactly the places asked. Engines point
 * at sockets that do not exist, so no daemon is needed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'customs-image-src-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = {
  DOCKER_HOST: `unix://${join(dir, 'docker.sock')}`,
  CONTAINER_HOST: `unix://${join(dir, 'podman.sock')}`,
  HOME: dir,
};
const args = ['image', 'app:1', '--scanners', 'none'];

test('TRIVY_IMAGE_SRC and CUSTOMS_IMAGE_SRC choose the places, CUSTOMS_ first, the flag over both', async () => {
  const trivy = await runCli(args, { env: { ...env, TRIVY_IMAGE_SRC: 'podman' }, cwd: dir });
  assert.equal(trivy.code, 1);
  assert.match(
    trivy.stderr,
    /^customs: error: image app:1 not found: podman: unreachable: no socket at unix:\/\/\S+podman\.sock \(CONTAINER_HOST\) \(/,
  );
  const both = await runCli(args, {
    env: { ...env, TRIVY_IMAGE_SRC: 'podman', CUSTOMS_IMAGE_SRC: 'docker' },
    cwd: dir,
  });
  assert.match(both.stderr, /not found: docker: unreachable: no socket at \S+ \(DOCKER_HOST\) \(/);
  const flag = await runCli([...args, '--image-src', 'podman,docker'], {
    env: { ...env, CUSTOMS_IMAGE_SRC: 'docker' },
    cwd: dir,
  });
  assert.match(flag.stderr, /not found: podman: unreachable: .*; docker: unreachable: /);
});

test("trivy.yaml's image.source, and an unknown source refused", async () => {
  writeFileSync(join(dir, 'trivy.yaml'), 'image:\n  source:\n    - docker\n');
  const r = await runCli([...args, '--config', join(dir, 'trivy.yaml')], { env, cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not found: docker: unreachable: no socket at [^;(]* \(DOCKER_HOST\) \(/);
  const bad = await runCli([...args, '--image-src', 'docker,quay'], { env, cwd: dir });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--image-src: unknown source "quay" \(use any of docker,podman,containerd,remote\)/);
});
