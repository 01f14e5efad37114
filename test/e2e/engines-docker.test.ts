/**
 * Acceptance (local engines, Docker): a real dockerd started here (vfs, no
 * network) holding the shared alpine image loaded from its docker save tar.
 * `customs image NAME:TAG`, with DOCKER_HOST pointing at it and no registry,
 * gives the packages and findings `--input` of the tar gives; `customs
 * container ID` reports a secret written into the running container after
 * it started, attributed to the container; an image found nowhere gets one
 * message naming each place looked at and why it failed; a docker context
 * (config.json currentContext + contexts/meta/<sha256>/meta.json) is found.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import {
  engineSkipReason,
  freePort,
  makeDockerTlsFiles,
  startDockerd,
  type RunningEngine,
} from '../support/engines.js';
import { ensureImages, imageForms } from '../support/images.js';

const skip = engineSkipReason('dockerd');
const images = skip ? undefined : ensureImages(['alpine-amd64']);
const db = skip ? undefined : ensureDb();
const reason =
  skip ?? (images && 'skip' in images ? images.skip : undefined) ?? (db && 'skip' in db ? db.skip : undefined);

interface Report {
  ArtifactName: string;
  Metadata: { ImageID?: string; RepoTags?: string[]; Container?: Record<string, string> };
  Results?: {
    Target: string;
    Packages?: { Name: string; Version: string }[];
    Vulnerabilities?: { VulnerabilityID: string; PkgName: string; InstalledVersion: string }[];
    Secrets?: { RuleID: string; Layer?: { DiffID: string; CreatedBy: string } }[];
  }[];
}

function packagesAndFindings(r: Report): { packages: string[]; findings: string[] } {
  const results = r.Results ?? [];
  return {
    packages: results.flatMap((x) => (x.Packages ?? []).map((p) => `${p.Name}@${p.Version}`)).sort(),
    findings: results
      .flatMap((x) => (x.Vulnerabilities ?? []).map((v) => `${v.VulnerabilityID} ${v.PkgName}@${v.InstalledVersion}`))
      .sort(),
  };
}

describe('docker engine', { skip: reason }, () => {
  let engine: RunningEngine;
  let tag: string;
  let home: string;
  let tlsPort: number;
  let certs: string;
  const env = (): Record<string, string> => ({
    DOCKER_HOST: engine.host,
    // No podman here, and none of the host's: its socket is a path that does not exist.
    CONTAINER_HOST: `unix://${join(home, 'no-podman.sock')}`,
    HOME: home,
    DOCKER_CONFIG: join(home, '.docker'),
  });
  const scanFlags = (): string[] => [
    '--cache-dir',
    (db as { cacheDir: string }).cacheDir,
    '--skip-db-update',
    '--no-cache',
    '-f',
    'json',
    '--list-all-pkgs',
  ];

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'customs-engine-home-'));
    // The same daemon also listens on loopback TCP with TLS, client certificates required.
    certs = join(home, 'certs');
    mkdirSync(certs);
    makeDockerTlsFiles(certs);
    tlsPort = await freePort();
    engine = await startDockerd([
      '--host',
      `tcp://127.0.0.1:${tlsPort}`,
      '--tlsverify',
      '--tlscacert',
      join(certs, 'ca.pem'),
      '--tlscert',
      join(certs, 'server-cert.pem'),
      '--tlskey',
      join(certs, 'server-key.pem'),
    ]);
    const loaded = engine.cli([
      'load',
      '-i',
      imageForms((images as { cache: string }).cache, 'alpine-amd64').dockerArchive,
    ]);
    tag = /Loaded image: (\S+)/.exec(loaded)![1]!;
  });
  after(async () => {
    await engine?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('image NAME:TAG from dockerd gives what --input of the saved tar gives', async () => {
    const fromEngine = await runCli(['image', tag, ...scanFlags()], { env: env() });
    assert.equal(fromEngine.code, 0, fromEngine.stderr);
    assert.match(fromEngine.stderr, /scanning the image docker holds/);
    const fromTar = await runCli(
      [
        'image',
        '--input',
        imageForms((images as { cache: string }).cache, 'alpine-amd64').dockerArchive,
        ...scanFlags(),
      ],
      { env: env() },
    );
    assert.equal(fromTar.code, 0, fromTar.stderr);
    const a = JSON.parse(fromEngine.stdout) as Report;
    const b = JSON.parse(fromTar.stdout) as Report;
    assert.deepEqual(packagesAndFindings(a), packagesAndFindings(b));
    assert.ok(packagesAndFindings(a).packages.length > 5 && packagesAndFindings(a).findings.length > 0);
    assert.equal(a.Metadata.ImageID, b.Metadata.ImageID);
    assert.deepEqual(
      a.Metadata.RepoTags,
      JSON.parse(engine.cli(['image', 'inspect', tag, '--format', '{{json .RepoTags}}'])),
    );
    assert.equal(a.ArtifactName, tag);
  });

  test('a rescan whose layers are all cached exports nothing; a missing analyzer exports once', async () => {
    const cache = join(home, 'cache');
    const run = (scanners: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      runCli(['image', tag, '--cache-dir', cache, '--scanners', scanners, '-f', 'json', '--list-all-pkgs', '--debug'], {
        env: env(),
      });
    const first = await run('none');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /exporting it$/m);
    const again = await run('none');
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /exporting it$/m);
    assert.match(again.stderr, /\(0 walked, 1 from the cache\)/);
    const withSecrets = await run('secret');
    assert.equal(withSecrets.code, 0, withSecrets.stderr);
    assert.match(withSecrets.stderr, /exporting it$/m);
    assert.match(withSecrets.stderr, /\(1 walked, 0 from the cache\)/);
    const ids = (out: string): unknown => (JSON.parse(out) as Report).Metadata.ImageID;
    assert.equal(ids(again.stdout), ids(first.stdout));
    assert.deepEqual(
      packagesAndFindings(JSON.parse(again.stdout) as Report),
      packagesAndFindings(JSON.parse(first.stdout) as Report),
    );
    assert.deepEqual(
      packagesAndFindings(JSON.parse(withSecrets.stdout) as Report),
      packagesAndFindings(JSON.parse(first.stdout) as Report),
    );
  });

  test('container ID reports a secret written after it started, attributed to the container', async () => {
    const id = engine.cli(['run', '-d', '--network', 'none', '--name', 'planted', tag, 'sleep', '600']);
    engine.cli([
      'exec',
      id,
      'sh',
      '-c',
      'mkdir -p /srv/app && printf "aws_access_key_id = AKIAZ3MSJV4WWNKWW5FG\\n" > /srv/app/credentials',
    ]);
    const r = await runCli(['container', id.slice(0, 12), ...scanFlags(), '--scanners', 'vuln,secret'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const c = report.Metadata.Container!;
    assert.equal(c['ID'], id);
    assert.equal(c['Name'], 'planted');
    assert.equal(c['Image'], tag);
    assert.equal(c['Engine'], 'docker');
    assert.ok(!Number.isNaN(Date.parse(c['StartedAt']!)), c['StartedAt']);
    const secrets = (report.Results ?? [])
      .filter((x) => x.Target === '/srv/app/credentials')
      .flatMap((x) => x.Secrets ?? []);
    assert.deepEqual(
      secrets.map((s) => s.RuleID),
      ['aws-access-key-id'],
    );
    assert.equal(secrets[0]!.Layer!.DiffID, `container:${id}`);
    assert.match(secrets[0]!.Layer!.CreatedBy, /^container planted /);
    assert.ok(!r.stdout.includes('AKIAZ3MSJV4WWNKWW5FG'), 'the secret is masked');
    // The image's own findings are still there, below the container's layer.
    assert.ok(packagesAndFindings(report).findings.length > 0);

    const table = await runCli(
      [
        'container',
        'planted',
        '--cache-dir',
        (db as { cacheDir: string }).cacheDir,
        '--skip-db-update',
        '--scanners',
        'secret',
      ],
      {
        env: env(),
      },
    );
    assert.equal(table.code, 0, table.stderr);

    // --all: every running container (here the one), as the nightly `trivy container $(docker ps -q)` meant.
    const all = await runCli(['container', '--all', '--scanners', 'secret', '-f', 'json', '--no-cache'], {
      env: env(),
    });
    assert.equal(all.code, 0, all.stderr);
    assert.equal((JSON.parse(all.stdout) as Report).Metadata.Container!['ID'], id);
    assert.match(
      table.stdout,
      new RegExp(`Container planted \\(${id.slice(0, 12)}, docker\\): image ${tag.replace(/[.]/g, '\\.')}, started `),
    );
  });

  test('an image found nowhere names each place and why', async () => {
    const r = await runCli(['image', '127.0.0.1:1/nosuch/image:1', '--scanners', 'none', '--registry-timeout', '5s'], {
      env: env(),
    });
    assert.equal(r.code, 1);
    const line = r.stderr.trim().split('\n').pop()!;
    assert.match(line, /^customs: error: 127\.0\.0\.1:1: manifest 1: .*ECONNREFUSED/);
    assert.match(line, /; also looked in docker \(not found\), /);
    assert.match(line, /podman \(unreachable: no socket at unix:\/\/\S+no-podman\.sock \(CONTAINER_HOST\)\)/);
    assert.match(line, /containerd \(/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);

    // Without the registry: the engines alone, and a container no engine runs, said before any database work.
    const local = await runCli(['image', 'nosuch/image:1', '--image-src', 'docker,podman', '--scanners', 'none'], {
      env: env(),
    });
    assert.equal(local.code, 1);
    assert.match(
      local.stderr,
      /^customs: error: image nosuch\/image:1 not found: docker: not found; podman: unreachable: no socket at /,
    );
    const noDb = join(home, 'no-db');
    const container = await runCli(['container', 'nosuch', '--cache-dir', noDb, '--db-source', join(home, 'no-osv')], {
      env: env(),
    });
    assert.equal(container.code, 1);
    assert.match(
      container.stderr,
      /^customs: error: container nosuch not found: docker: no such container; podman: unreachable: no socket at .*containerd: cannot show/,
    );
    assert.equal(container.stderr.trim().split('\n').length, 1, container.stderr);
  });

  test('docker: forces the engine, found through the current docker context', async () => {
    const name = 'customs-test';
    const id = createHash('sha256').update(name).digest('hex');
    const meta = join(home, '.docker', 'contexts', 'meta', id);
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      join(meta, 'meta.json'),
      JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: engine.host, SkipTLSVerify: false } } }),
    );
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: name }));
    const { DOCKER_HOST: _unset, ...withoutHost } = env();
    const r = await runCli(['image', `docker:${tag}`, '--scanners', 'none', '--debug'], {
      env: { ...withoutHost, DOCKER_HOST: '' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\(docker context customs-test\)/);
    const missing = await runCli(['image', 'docker:nosuch:1', '--scanners', 'none'], {
      env: { ...withoutHost, DOCKER_HOST: '' },
    });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /image nosuch:1 not found: docker: not found \(/);
  });

  test('DOCKER_HOST tcp:// with TLS: DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
    const tcp = { ...env(), DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`, DOCKER_TLS_VERIFY: '1' };
    const r = await runCli(['image', `docker:${tag}`, '--scanners', 'none', '--debug'], {
      env: { ...tcp, DOCKER_CERT_PATH: certs },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`tcp://127\\.0\\.0\\.1:${tlsPort} \\(TLS\\) \\(DOCKER_HOST\\)`));
    // Without client certificates, and with a CA that did not sign the server's: unreachable, each saying why.
    const bare = join(home, 'no-certs');
    mkdirSync(bare);
    const noCerts = await runCli(['image', `docker:${tag}`, '--scanners', 'none'], {
      env: { ...tcp, DOCKER_CERT_PATH: bare },
    });
    assert.equal(noCerts.code, 1);
    assert.match(noCerts.stderr, /docker: unreachable: TLS is required but \S+cert\.pem is missing/);
    const otherCa = join(home, 'other-ca');
    mkdirSync(otherCa);
    makeDockerTlsFiles(otherCa);
    const wrongCa = await runCli(['image', `docker:${tag}`, '--scanners', 'none'], {
      env: { ...tcp, DOCKER_CERT_PATH: otherCa },
    });
    assert.equal(wrongCa.code, 1);
    assert.match(wrongCa.stderr, /docker: unreachable: TLS: /);
  });
});
