/**
 * Local engines, Podman: a real `podman system service` started here on a
 * temp socket (its own storage), reached through CONTAINER_HOST. The shared
 * alpine image loaded into it scans as its saved tar does, through the
 * `podman:` prefix, and a running container's planted secret is reported
 * against the container.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { engineSkipReason, startPodman, type RunningEngine } from '../support/engines.js';
import { ensureImages, imageForms } from '../support/images.js';

const skip = engineSkipReason('podman');
const images = skip ? undefined : ensureImages(['alpine-amd64']);
const reason = skip ?? (images && 'skip' in images ? images.skip : undefined);

interface Report {
  Metadata: { ImageID?: string; RepoTags?: string[]; Container?: Record<string, string> };
  Results?: { Target: string; Packages?: { Name: string; Version: string }[]; Secrets?: { RuleID: string }[] }[];
}

const packages = (r: Report): string[] =>
  (r.Results ?? []).flatMap((x) => (x.Packages ?? []).map((p) => `${p.Name}@${p.Version}`)).sort();

describe('podman engine', { skip: reason }, () => {
  let engine: RunningEngine;
  let tag: string;
  let home: string;
  const archive = (): string => imageForms((images as { cache: string }).cache, 'alpine-amd64').dockerArchive;
  const env = (): Record<string, string> => ({
    CONTAINER_HOST: engine.host,
    // No docker: its socket is a path that does not exist.
    DOCKER_HOST: `unix://${join(home, 'no-docker.sock')}`,
    HOME: home,
  });

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'customs-engine-home-'));
    engine = await startPodman();
    tag = /Loaded image\(?s?\)?: (\S+)/.exec(engine.cli(['load', '-i', archive()]))![1]!;
  });
  after(async () => {
    await engine?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('podman:NAME and a running container, through the API socket', async () => {
    const flags = ['--scanners', 'secret', '--no-cache', '-f', 'json', '--list-all-pkgs'];
    const image = await runCli(['image', `podman:${tag}`, ...flags], { env: env() });
    assert.equal(image.code, 0, image.stderr);
    const tar = await runCli(['image', '--input', archive(), ...flags], { env: env() });
    assert.equal(tar.code, 0, tar.stderr);
    const fromEngine = JSON.parse(image.stdout) as Report;
    assert.deepEqual(packages(fromEngine), packages(JSON.parse(tar.stdout) as Report));
    assert.ok(packages(fromEngine).length > 5);
    assert.deepEqual(fromEngine.Metadata.RepoTags, [tag]);

    // The service cannot raise rlimits past its own (no CAP_SYS_RESOURCE in a CI container).
    const limits = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];
    const id = engine.cli(['run', '-d', '--network', 'none', ...limits, tag, 'sleep', '600']);
    engine.cli(['exec', id, 'sh', '-c', 'printf "aws_access_key_id = AKIAZ3MSJV4WWNKWW5FG\\n" > /root/.aws-creds']);
    const r = await runCli(['container', id, ...flags], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.Metadata.Container!['ID'], id);
    assert.equal(report.Metadata.Container!['Engine'], 'podman');
    const found = (report.Results ?? []).filter((x) => x.Target === '/root/.aws-creds').flatMap((x) => x.Secrets ?? []);
    assert.deepEqual(
      found.map((s) => s.RuleID),
      ['aws-access-key-id'],
    );
  });
});
