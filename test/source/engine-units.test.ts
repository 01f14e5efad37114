/**
 * The parts of the local engines that need no daemon: where each engine's
 * API is found (DOCKER_HOST forms, TLS files, docker contexts, Podman's
 * sockets), the writable layer built from a change list (export entries
 * filtered, whiteouts for deletions, paths above the root dropped), and the
 * --image-src chain (order, "not found" vs "unreachable", one message).
 * The daemons themselves are in test/e2e/engines-*.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { extract } from 'tar-stream';
import { dockerEndpoint, podmanEndpoint } from '../../src/source/engine/endpoint.js';
import { EngineUnreachable, type LocalEngine } from '../../src/source/engine/local-engine.js';
import { openFromSources, parseImageSources } from '../../src/source/engine/sources.js';
import { changeSet, writableLayerTar } from '../../src/source/engine/writable-layer.js';
import type { Image } from '../../src/source/image.js';
import { UserError } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/log.js';
import { makeTar } from '../support/tar.js';

const tmp = mkdtempSync(join(tmpdir(), 'customs-engine-units-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('engine endpoints', () => {
  test('DOCKER_HOST: unix, tcp, TLS from DOCKER_CERT_PATH', () => {
    assert.equal(dockerEndpoint({ DOCKER_HOST: 'unix:///tmp/d.sock' }).socketPath, '/tmp/d.sock');
    const plain = dockerEndpoint({ DOCKER_HOST: 'tcp://10.0.0.5:2375' });
    assert.deepEqual([plain.protocol, plain.host, plain.port], ['http', '10.0.0.5', 2375]);
    const certs = join(tmp, 'certs');
    mkdirSync(certs);
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, f), `${f} body`);
    const tls = dockerEndpoint({
      DOCKER_HOST: 'tcp://docker.example:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certs,
    });
    assert.deepEqual([tls.protocol, tls.host, tls.port], ['https', 'docker.example', 2376]);
    assert.equal(tls.ca?.toString(), 'ca.pem body');
    assert.equal(tls.key?.toString(), 'key.pem body');
    assert.match(tls.describe, /\(TLS\) \(DOCKER_HOST\)$/);
  });

  test('DOCKER_TLS_VERIFY without client certificates, ssh:// and junk are unreachable with a reason', () => {
    assert.throws(
      () =>
        dockerEndpoint({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(tmp, 'none') }),
      (e: unknown) => e instanceof EngineUnreachable && /TLS is required but .*cert\.pem is missing/.test(e.reason),
    );
    assert.throws(
      () => dockerEndpoint({ DOCKER_HOST: 'ssh://user@host' }),
      (e: unknown) => e instanceof EngineUnreachable && /ssh:\/\/ hosts are not supported/.test(e.reason),
    );
    assert.throws(() => dockerEndpoint({ DOCKER_HOST: 'unix://relative.sock' }), EngineUnreachable);
    assert.throws(() => dockerEndpoint({ DOCKER_HOST: 'tcp://a b' }), EngineUnreachable);
  });

  test('docker contexts: DOCKER_CONTEXT, then config.json currentContext; DOCKER_HOST wins', () => {
    const config = join(tmp, 'docker-config');
    const write = (name: string, host: string): void => {
      const dir = join(config, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
    };
    write('remote', 'tcp://build-host:2375');
    write('local', 'unix:///run/user/1000/docker.sock');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    const env = { DOCKER_CONFIG: config };
    assert.equal(dockerEndpoint(env).host, 'build-host');
    assert.match(dockerEndpoint(env).describe, /docker context remote/);
    assert.equal(dockerEndpoint({ ...env, DOCKER_CONTEXT: 'local' }).socketPath, '/run/user/1000/docker.sock');
    assert.equal(dockerEndpoint({ ...env, DOCKER_CONTEXT: 'default' }).socketPath, '/var/run/docker.sock');
    assert.equal(dockerEndpoint({ ...env, DOCKER_HOST: 'unix:///x.sock' }).socketPath, '/x.sock');
    assert.throws(
      () => dockerEndpoint({ ...env, DOCKER_CONTEXT: 'gone' }),
      (e: unknown) => e instanceof EngineUnreachable && /docker context "gone" not found/.test(e.reason),
    );
    writeFileSync(join(config, 'config.json'), '{ not json');
    assert.throws(
      () => dockerEndpoint(env),
      (e: unknown) => e instanceof EngineUnreachable && /cannot read .*config\.json/.test(e.reason),
    );
  });

  test('podman: CONTAINER_HOST, else the rootful or rootless socket', () => {
    assert.equal(podmanEndpoint({ CONTAINER_HOST: 'unix:///tmp/p.sock' }).socketPath, '/tmp/p.sock');
    const fallback = podmanEndpoint({ XDG_RUNTIME_DIR: '/run/user/1000' }).socketPath;
    assert.equal(fallback, process.getuid?.() === 0 ? '/run/podman/podman.sock' : '/run/user/1000/podman/podman.sock');
  });
});

async function entriesOf(tar: Readable): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      body.on('end', () => {
        out[h.name] = h.type === 'directory' ? '<dir>' : Buffer.concat(chunks).toString();
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
    tar.on('error', reject);
  });
  tar.pipe(ex);
  await done;
  return out;
}

describe('writable layer', () => {
  test('changed entries from the export, a whiteout per deletion, nothing else', async () => {
    // What GET /containers/{id}/export gives: the whole filesystem (dockerd writes names without a leading /).
    const exported = await makeTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/os-release', content: 'ID=alpine\n' },
      { name: 'etc/passwd', content: 'root:x:0:0\n' },
      { name: 'srv/', type: 'directory' },
      { name: 'srv/creds', content: 'secret\n' },
      { name: 'usr/lib/libx.so', content: 'unchanged' },
    ]);
    // What GET /containers/{id}/changes gives (Kind 0 modified, 1 added, 2 deleted).
    const set = changeSet(
      [
        { Path: '/etc', Kind: 0 },
        { Path: '/etc/passwd', Kind: 0 },
        { Path: '/etc/motd', Kind: 2 },
        { Path: '/srv', Kind: 1 },
        { Path: '/srv/creds', Kind: 1 },
        { Path: '/var/cache', Kind: 2 },
        { Path: '/../escape', Kind: 1 },
      ],
      100,
    );
    const got = await entriesOf(writableLayerTar(Readable.from([exported]), set));
    assert.deepEqual(got, {
      etc: '<dir>',
      'etc/passwd': 'root:x:0:0\n',
      srv: '<dir>',
      'srv/creds': 'secret\n',
      'etc/.wh.motd': '',
      'var/.wh.cache': '',
    });
  });

  test('a change list over the entry cap is refused by name', () => {
    assert.throws(
      () =>
        changeSet(
          [
            { Path: '/a', Kind: 1 },
            { Path: '/b', Kind: 1 },
          ],
          1,
        ),
      /exceeds max entries per layer \(1\).*--max-entries-per-layer/,
    );
  });

  test('an export that is not a tar ends the layer in one error', async () => {
    const set = changeSet([{ Path: '/a', Kind: 1 }], 10);
    await assert.rejects(
      entriesOf(writableLayerTar(Readable.from([Buffer.alloc(1024, 7)]), set)),
      /not a readable tar/,
    );
  });
});

describe('--image-src chain', () => {
  const image = (name: string): Image => ({
    name,
    id: 'sha256:' + '0'.repeat(64),
    repoTags: [],
    repoDigests: [],
    config: {},
    layers: [],
    close: async () => {},
  });
  const engine = (
    name: 'docker' | 'podman' | 'containerd',
    answer: 'here' | 'absent' | 'down' | 'broken',
  ): LocalEngine => ({
    name,
    open: (ref) => {
      if (answer === 'here') return Promise.resolve(image(`${name}:${ref}`));
      if (answer === 'absent') return Promise.resolve(undefined);
      if (answer === 'down') return Promise.reject(new EngineUnreachable(name, 'no socket at unix:///x.sock'));
      return Promise.reject(new UserError(`${name} image ${ref} is linux/arm64, not linux/amd64`));
    },
  });
  const opts = { logger: silentLogger };
  const remoteFails = (): Promise<Image> => Promise.reject(new UserError('reg.example: manifest x: HTTP 404'));

  test('the first source holding the image wins, in --image-src order', async () => {
    const engines = [engine('docker', 'absent'), engine('podman', 'here')];
    assert.equal(
      (await openFromSources('x', ['docker', 'podman', 'remote'], engines, remoteFails, opts)).name,
      'podman:x',
    );
    assert.equal((await openFromSources('x', ['podman', 'docker'], engines, remoteFails, opts)).name, 'podman:x');
    const remote = (): Promise<Image> => Promise.resolve(image('remote'));
    assert.equal((await openFromSources('x', ['remote', 'podman'], engines, remote, opts)).name, 'remote');
  });

  test('found nowhere: one message naming each place and why', async () => {
    const engines = [engine('docker', 'absent'), engine('podman', 'down')];
    await assert.rejects(
      openFromSources('app:1', ['docker', 'podman', 'containerd', 'remote'], engines, remoteFails, opts),
      (e: unknown) =>
        e instanceof UserError &&
        e.message ===
          'reg.example: manifest x: HTTP 404; also looked in docker (not found), podman (unreachable: no socket at unix:///x.sock), containerd (not available in this build of customs)',
    );
    await assert.rejects(
      openFromSources('app:1', ['docker', 'podman'], engines, remoteFails, opts),
      (e: unknown) =>
        e instanceof UserError &&
        e.message.startsWith(
          'image app:1 not found: docker: not found; podman: unreachable: no socket at unix:///x.sock (',
        ),
    );
  });

  test('an engine that has the image but cannot give it stops the search; remote alone keeps its own error', async () => {
    await assert.rejects(
      openFromSources('x', ['docker', 'remote'], [engine('docker', 'broken')], () => Promise.resolve(image('r')), opts),
      /linux\/arm64, not linux\/amd64/,
    );
    await assert.rejects(
      openFromSources('x', ['remote'], [], remoteFails, opts),
      /^UserError: reg\.example: manifest x: HTTP 404$/,
    );
  });

  test('--image-src names are checked', () => {
    assert.deepEqual(parseImageSources('podman, remote,podman'), ['podman', 'remote']);
    assert.throws(
      () => parseImageSources('docker,registry'),
      /unknown source "registry".*docker,podman,containerd,remote/,
    );
    assert.throws(() => parseImageSources(' , '), /no source given/);
  });
});
