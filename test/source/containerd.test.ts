/**
 * containerd as a local engine, against a real containerd started here
 * (test/support/containerd.ts) holding the shared test images imported with
 * `ctr images import`: the alpine docker-archive (uncompressed layers, a
 * Docker manifest) and the multi-arch alpine OCI archive (an index, gzip
 * layers). Each is compared with the same archive opened and scanned
 * through `--input`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fromImage, scanReport, scanWith } from '../../src/api/scan.js';
import type { ScanRequest } from '../../src/api/request.js';
import type { Report } from '../../src/model/report.js';
import { openLocalImage } from '../../src/source/archive/index.js';
import { containerdEngine, createContainerdEngine } from '../../src/source/engine/containerd.js';
import { containerdNameCandidates } from '../../src/source/engine/containerd-names.js';
import { resolveContainerdSettings } from '../../src/source/engine/containerd-settings.js';
import { EngineUnreachable, type EngineLookupOptions } from '../../src/source/engine/local-engine.js';
import type { Image } from '../../src/source/image.js';
import { LimitError, UserError } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/log.js';
import { containerdSkipReason, startContainerd, type Containerd } from '../support/containerd.js';
import { ensureDb } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';

const AMD64_NAME = 'localhost/fixtures/alpine:3.20.3-amd64'; // the name the docker-archive carries
const SHORT_NAME = 'alpine:3.20'; // tagged docker.io/library/alpine:3.20 below, as a pull would name it
const INDEX_NAME = 'localhost/fixtures/alpine:3.20.3'; // --base-name + the OCI archive's ref.name

const skip = containerdSkipReason();
const images = skip ? undefined : ensureImages(['alpine-amd64', 'alpine-multiarch']);
const why = skip ?? (images && 'skip' in images ? images.skip : undefined);
const forms = (name: string): ReturnType<typeof imageForms> => imageForms((images as { cache: string }).cache, name);

let ctd: Containerd | undefined;
const lookup = (extra: Partial<EngineLookupOptions> = {}): EngineLookupOptions => ({ logger: silentLogger, ...extra });
const engine = (): ReturnType<typeof createContainerdEngine> => createContainerdEngine({ address: ctd!.socket });

async function opened(name: string, options: Partial<EngineLookupOptions> = {}): Promise<Image> {
  const image = await engine().open(name, lookup(options));
  assert.ok(image, `containerd holds ${name}`);
  return image;
}

async function drain(image: Image, index: number): Promise<number> {
  let n = 0;
  for await (const chunk of await image.layers[index]!.open()) n += (chunk as Buffer).length;
  return n;
}

/** Packages and findings of a report, as sorted lines (the target's name differs by source and is left out). */
function contents(report: Report): { packages: string[]; findings: string[] } {
  const results = report.results.filter((r) => r.class === 'os-pkgs' || r.class === 'lang-pkgs');
  return {
    packages: results.flatMap((r) => (r.packages ?? []).map((p) => `${p.name} ${p.version} ${p.arch ?? ''}`)).sort(),
    findings: results
      .flatMap((r) => (r.vulnerabilities ?? []).map((v) => `${v.pkgName} ${v.installedVersion} ${v.id} ${v.severity}`))
      .sort(),
  };
}

test('short names are tried as given, then as Docker expands them', () => {
  assert.deepEqual(containerdNameCandidates('alpine:3.20'), ['alpine:3.20', 'docker.io/library/alpine:3.20']);
  assert.deepEqual(containerdNameCandidates('alpine'), ['alpine', 'docker.io/library/alpine:latest']);
  assert.deepEqual(containerdNameCandidates('index.docker.io/bitnami/redis:7'), [
    'index.docker.io/bitnami/redis:7',
    'docker.io/bitnami/redis:7',
  ]);
  assert.deepEqual(containerdNameCandidates('docker.io/library/alpine:3.20'), ['docker.io/library/alpine:3.20']);
  assert.deepEqual(containerdNameCandidates('localhost:5000/app:1'), ['localhost:5000/app:1']);
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.deepEqual(containerdNameCandidates(`alpine:3.20@${digest}`), [
    `alpine:3.20@${digest}`,
    `docker.io/library/alpine@${digest}`,
  ]);
  // containerd takes names no registry would; only the name as given can match them.
  assert.deepEqual(containerdNameCandidates('My Image'), ['My Image']);
});

test('settings: an explicit value, else CONTAINERD_ADDRESS / CONTAINERD_NAMESPACE, else the defaults', () => {
  assert.deepEqual(resolveContainerdSettings({}, {}), {
    socket: '/run/containerd/containerd.sock',
    namespace: 'default',
    timeoutMs: 30_000,
  });
  const env = { CONTAINERD_ADDRESS: 'unix:///var/run/k3s/containerd.sock', CONTAINERD_NAMESPACE: 'k8s.io' };
  assert.deepEqual(resolveContainerdSettings({}, env), {
    socket: '/var/run/k3s/containerd.sock',
    namespace: 'k8s.io',
    timeoutMs: 30_000,
  });
  assert.equal(resolveContainerdSettings({ namespace: 'buildkit', address: '/s.sock' }, env).namespace, 'buildkit');
  assert.equal(resolveContainerdSettings({ namespace: 'buildkit', address: '/s.sock' }, env).socket, '/s.sock');
  // An empty variable counts as unset, as for the other variables customs reads.
  assert.equal(resolveContainerdSettings({}, { CONTAINERD_NAMESPACE: '' }).namespace, 'default');
  for (const address of ['tcp://10.0.0.1:2375', 'containerd.sock', 'unix://relative.sock'])
    assert.throws(() => resolveContainerdSettings({ address }, {}), /is not a unix socket path/, address);
  for (const namespace of ['a/b', '-x', 'x-', 'with space', 'n'.repeat(77)])
    assert.throws(() => resolveContainerdSettings({ namespace }, {}), /invalid containerd namespace/, namespace);
});

describe('containerd engine', { skip: why }, () => {
  before(async () => {
    ctd = await startContainerd();
    ctd.ctr(['images', 'import', '--no-unpack', forms('alpine-amd64').dockerArchive]);
    ctd.ctr(['images', 'tag', AMD64_NAME, `docker.io/library/${SHORT_NAME}`]);
    ctd.ctr([
      'images',
      'import',
      '--no-unpack',
      '--all-platforms',
      '--base-name',
      'localhost/fixtures/alpine',
      forms('alpine-multiarch').ociArchive,
    ]);
  });
  after(async () => {
    await ctd?.stop();
  });

  test('a short name opens the image with the archive config digest and diff_ids', async () => {
    const tar = await openLocalImage(forms('alpine-amd64').dockerArchive);
    for (const name of [SHORT_NAME, `docker.io/library/${SHORT_NAME}`, AMD64_NAME]) {
      const image = await opened(name);
      try {
        assert.equal(image.id, tar.id, name);
        assert.deepEqual(
          image.layers.map((l) => l.diffId),
          tar.layers.map((l) => l.diffId),
        );
        assert.ok(image.layers.every((l) => l.verifiesDigest));
        assert.equal(image.name, name);
        assert.deepEqual(image.repoTags, [name === SHORT_NAME ? `docker.io/library/${SHORT_NAME}` : name]);
        assert.equal(await drain(image, 0), image.layers[0]!.size);
      } finally {
        await image.close();
      }
    }
  });

  test('scanning it gives the packages and findings of scanning the tar', async (t) => {
    const db = ensureDb();
    if ('skip' in db) return t.skip(db.skip);
    const common: ScanRequest = { cacheDir: db.cacheDir, skipDbUpdate: true, layerCache: false };
    const fromTar = await scanReport({ ...common, input: forms('alpine-amd64').dockerArchive });
    const fromContainerd = await scanWith(
      {
        type: 'container_image',
        collect: () => fromImage(async (logger) => (await engine().open(SHORT_NAME, { logger }))!),
      },
      { ...common, image: SHORT_NAME },
    );
    const expected = contents(fromTar.report);
    assert.ok(expected.packages.length > 10 && expected.findings.length > 0, 'the alpine image has findings');
    assert.deepEqual(contents(fromContainerd.report), expected);
  });

  test('an index resolves to the requested platform; a missing one names those present', async (t) => {
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const archive = await openLocalImage(forms('alpine-multiarch').ociArchive, { platform });
      const image = await opened(INDEX_NAME, { platform });
      try {
        assert.equal(image.id, archive.id, platform);
        assert.equal(image.manifestDigest, archive.manifestDigest);
        assert.deepEqual(
          image.layers.map((l) => [l.digest, l.diffId]),
          archive.layers.map((l) => [l.digest, l.diffId]),
        );
        assert.equal(image.config.architecture, platform.split('/')[1]);
      } finally {
        await image.close();
      }
    }
    await assert.rejects(
      engine().open(INDEX_NAME, lookup({ platform: 'linux/s390x' })),
      (e: Error) =>
        e instanceof UserError &&
        /no image for platform linux\/s390x.*available: .*linux\/amd64.*linux\/arm64/.test(e.message),
    );

    const db = ensureDb();
    if ('skip' in db) return t.skip(db.skip);
    // gzip layers streamed from the content store scan as the archive's do.
    const common: ScanRequest = {
      cacheDir: db.cacheDir,
      skipDbUpdate: true,
      layerCache: false,
      platform: 'linux/arm64',
    };
    const fromArchive = await scanReport({ ...common, input: forms('alpine-multiarch').ociArchive });
    const fromContainerd = await scanWith(
      {
        type: 'container_image',
        collect: () =>
          fromImage(async (logger) => (await engine().open(INDEX_NAME, { logger, platform: 'linux/arm64' }))!),
      },
      { ...common, image: INDEX_NAME },
    );
    assert.ok(contents(fromArchive.report).packages.some((p) => p.endsWith(' aarch64')));
    assert.deepEqual(contents(fromContainerd.report), contents(fromArchive.report));
  });

  test('--max-layers is checked before any layer is read', async () => {
    await assert.rejects(engine().open(SHORT_NAME, lookup({ maxLayers: 0 })), LimitError);
  });

  test('a cancelled scan stops the layer read with its own reason', async () => {
    const controller = new AbortController();
    const image = await opened(SHORT_NAME, { signal: controller.signal });
    try {
      controller.abort(new Error('stop here'));
      await assert.rejects(drain(image, 0), /stop here/);
    } finally {
      await image.close();
    }
  });

  test('an unknown name is undefined; another namespace does not see the image', async () => {
    assert.equal(await engine().open('fixtures/nothing:1', lookup()), undefined);
    assert.equal(await engine().open('sha256-like-but-not-a-name', lookup()), undefined);
    const other = createContainerdEngine({ address: ctd!.socket, namespace: 'elsewhere' });
    assert.equal(await other.open(SHORT_NAME, lookup()), undefined);

    // The default engine reads CONTAINERD_ADDRESS and CONTAINERD_NAMESPACE at each lookup.
    const saved = { address: process.env.CONTAINERD_ADDRESS, namespace: process.env.CONTAINERD_NAMESPACE };
    try {
      process.env.CONTAINERD_ADDRESS = `unix://${ctd!.socket}`;
      process.env.CONTAINERD_NAMESPACE = 'elsewhere';
      assert.equal(await containerdEngine.open(SHORT_NAME, lookup()), undefined);
      process.env.CONTAINERD_NAMESPACE = 'default';
      const image = await containerdEngine.open(SHORT_NAME, lookup());
      assert.ok(image);
      await image.close();
      process.env.CONTAINERD_NAMESPACE = 'no spaces/allowed';
      await assert.rejects(containerdEngine.open(SHORT_NAME, lookup()), /invalid containerd namespace/);
    } finally {
      for (const [key, value] of [
        ['CONTAINERD_ADDRESS', saved.address],
        ['CONTAINERD_NAMESPACE', saved.namespace],
      ] as const)
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
  });

  test('a wrong socket is EngineUnreachable with the reason', async () => {
    const unreachable = async (address: string, pattern: RegExp, timeoutMs?: number): Promise<void> => {
      await assert.rejects(createContainerdEngine({ address, timeoutMs }).open(SHORT_NAME, lookup()), (e: Error) => {
        assert.ok(e instanceof EngineUnreachable, e.message);
        assert.equal(e.engine, 'containerd');
        assert.match(e.message, pattern);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });
    };
    await unreachable(join(ctd!.dir, 'absent.sock'), /no socket at .*absent\.sock \(is containerd running\?/);
    writeFileSync(join(ctd!.dir, 'plain-file'), '');
    await unreachable(join(ctd!.dir, 'plain-file'), /plain-file is not a socket/);

    // Something else listening there: an HTTP/1 server, and one that accepts and never answers.
    const servers: Server[] = [];
    const sockets: Socket[] = [];
    const listen = (server: Server, path: string): Promise<void> =>
      new Promise((resolve) => {
        servers.push(server);
        server.listen(path, resolve);
      });
    try {
      await listen(
        createHttpServer((_, res) => res.end('not grpc')),
        join(ctd!.dir, 'http.sock'),
      );
      await unreachable(join(ctd!.dir, 'http.sock'), /cannot ask .*http\.sock.*is it containerd's socket\?/);
      await listen(
        createNetServer((s) => sockets.push(s)),
        join(ctd!.dir, 'silent.sock'),
      );
      await unreachable(join(ctd!.dir, 'silent.sock'), /silent\.sock did not answer within 1 s/, 1000);
    } finally {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  });

  test('a layer altered in the content store fails its digest check', async () => {
    const image = await opened(AMD64_NAME);
    try {
      const layer = image.layers[0]!;
      const blob = join(ctd!.contentDir, 'blobs', 'sha256', layer.digest.slice('sha256:'.length));
      const bytes = readFileSync(blob);
      const middle = bytes.length >> 1;
      bytes[middle] = bytes[middle]! ^ 0xff; // same size, other content
      writeFileSync(blob, bytes);
      await assert.rejects(drain(image, 0), /digest mismatch/);
    } finally {
      await image.close();
    }
  });
});
