/**
 * Where registry credentials may go (issue 22, item 5 and the network part
 * of item 9), against the hostile registry: a token server's redirect to a
 * third host, an https → http redirect on the same host and port, a
 * plain-HTTP token realm for an https registry, `--insecure` and a token
 * host on another hostname, a reset connection, and credentials scoped to
 * one registry with `--registry-auth` and `--password-stdin`.
 * The TLS cases need openssl for a self-signed certificate, made here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, type CliRun } from '../support/cli.js';
import { packagesOf, type JsonReport } from './corpus/cases.js';
import { ALPINE_PACKAGES } from './corpus/content.js';
import { REGISTRY_PASSWORD, REGISTRY_USER, startHostileRegistry, type HostileRegistry } from './hostile-registry.js';
import { makeSandbox, removeSandbox } from './sandbox.js';

const BASIC = `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`;

async function scan(
  image: string,
  extra: string[],
  opts: { env?: Record<string, string>; input?: string } = {},
): Promise<CliRun> {
  const sb = makeSandbox();
  try {
    const run = await runCli(
      ['image', image, '--scanners', 'none', '-f', 'json', '--list-all-pkgs', '--no-cache', ...extra],
      { env: { ...sb.env, ...opts.env }, cwd: sb.work, timeoutMs: 60_000, input: opts.input },
    );
    assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
    assert.ok(
      !run.stderr.includes(REGISTRY_PASSWORD) && !run.stdout.includes(REGISTRY_PASSWORD),
      'the password is never printed',
    );
    return run;
  } finally {
    removeSandbox(sb);
  }
}

const alpineFound = (run: CliRun): void => {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(packagesOf(JSON.parse(run.stdout) as JsonReport, 'alpine').length, ALPINE_PACKAGES);
};

describe('registry credentials over plain HTTP (loopback, --insecure)', { concurrency: 1 }, () => {
  let reg: HostileRegistry;
  before(async () => {
    reg = await startHostileRegistry();
  });
  after(async () => {
    await reg.close();
  });
  const creds = ['--username', REGISTRY_USER, '--password', REGISTRY_PASSWORD];

  test('a token server that redirects to a third host: the third host receives no Authorization', async () => {
    reg.requests.length = 0;
    alpineFound(await scan(`${reg.host}/token-redirect:latest`, ['--insecure', ...creds]));
    const tokenServer = reg.requests.filter((r) => r.path === '/token/redirect');
    assert.ok(
      tokenServer.length >= 1 && tokenServer.every((r) => r.authorization === BASIC),
      'the realm itself gets the credentials',
    );
    const third = reg.requests.filter((r) => r.server === 'third');
    assert.ok(third.length >= 1, 'the redirect was followed');
    assert.deepEqual(
      third.filter((r) => r.authorization !== undefined),
      [],
      'no Authorization header at the third host',
    );
  });

  test('--registry-auth for another registry: never sent here', async () => {
    reg.requests.length = 0;
    const run = await scan(`${reg.host}/basic:latest`, [
      '--insecure',
      '--registry-auth',
      `registry.example.com=${REGISTRY_USER}:${REGISTRY_PASSWORD}`,
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /HTTP 401 \(access denied\)/);
    assert.deepEqual(
      reg.requests.filter((r) => r.authorization !== undefined),
      [],
    );
  });

  test('--registry-auth for this registry: used', async () => {
    alpineFound(
      await scan(`${reg.host}/basic:latest`, [
        '--insecure',
        '--registry-auth',
        `registry.example.com=other:x`,
        '--registry-auth',
        `${reg.host}=${REGISTRY_USER}:${REGISTRY_PASSWORD}`,
      ]),
    );
  });

  test('CUSTOMS_REGISTRY_AUTH scopes the same way', async () => {
    alpineFound(
      await scan(`${reg.host}/basic:latest`, ['--insecure'], {
        env: {
          CUSTOMS_REGISTRY_AUTH: `elsewhere.example=a:b\nhttp://${reg.host}=${REGISTRY_USER}:${REGISTRY_PASSWORD}\n`,
        },
      }),
    );
  });

  test('--password-stdin: with --username, and for a password-less --registry-auth entry', async () => {
    alpineFound(
      await scan(`${reg.host}/basic:latest`, ['--insecure', '--username', REGISTRY_USER, '--password-stdin'], {
        input: `${REGISTRY_PASSWORD}\n`,
      }),
    );
    alpineFound(
      await scan(
        `${reg.host}/basic:latest`,
        ['--insecure', '--registry-auth', `${reg.host}=${REGISTRY_USER}`, '--password-stdin'],
        { input: `${REGISTRY_PASSWORD}\n` },
      ),
    );
  });

  test('--password-stdin for a scoped entry is not sent to another registry', async () => {
    reg.requests.length = 0;
    const run = await scan(
      `${reg.host}/basic:latest`,
      ['--insecure', '--registry-auth', `registry.example.com=${REGISTRY_USER}`, '--password-stdin'],
      { input: REGISTRY_PASSWORD },
    );
    assert.equal(run.code, 1);
    assert.deepEqual(
      reg.requests.filter((r) => r.authorization !== undefined),
      [],
    );
  });

  test('--password with --password-stdin is refused before any request', async () => {
    const run = await scan(
      `${reg.host}/basic:latest`,
      ['--insecure', '--username', 'u', '--password', 'p', '--password-stdin'],
      { input: 'p' },
    );
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--password and --password-stdin are exclusive/);
  });
});

/** A self-signed certificate for 127.0.0.1 and localhost, or undefined when openssl is missing. */
function selfSignedCert(dir: string): { cert: string; key: string; certFile: string } | undefined {
  const keyFile = join(dir, 'key.pem'),
    certFile = join(dir, 'cert.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { encoding: 'utf8' },
  );
  if (r.error || r.status !== 0) return undefined;
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
}

describe('registry credentials over TLS (self-signed, one port for https and http)', { concurrency: 1 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-tls-'));
  const tls = selfSignedCert(dir);
  const skip = tls ? false : 'openssl is not installed: cannot make a self-signed certificate';
  let reg: HostileRegistry;
  // NODE_EXTRA_CA_CERTS makes customs trust the certificate, so these run without --insecure unless they say so.
  const trusted = (): Record<string, string> => ({ NODE_EXTRA_CA_CERTS: tls!.certFile });
  before(async () => {
    if (tls) reg = await startHostileRegistry({ tls });
  });
  after(async () => {
    if (tls) await reg.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const creds = ['--username', REGISTRY_USER, '--password', REGISTRY_PASSWORD];

  test('the control case: Basic auth over verified TLS scans', { skip }, async () => {
    alpineFound(await scan(`${reg.host}/basic:latest`, creds, { env: trusted() }));
  });

  test('an https → http redirect on the same host and port is refused without --insecure', { skip }, async () => {
    reg.requests.length = 0;
    const run = await scan(`${reg.host}/basic-downgrade:latest`, creds, { env: trusted() });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /redirect from https to plain http:\/\/127\.0\.0\.1:\d+ refused/);
    assert.deepEqual(
      reg.requests.filter((r) => r.scheme === 'http'),
      [],
      'nothing went over plain http',
    );
  });

  test(
    'an https → http redirect on the same host and port, with --insecure: followed without Authorization',
    { skip },
    async () => {
      reg.requests.length = 0;
      alpineFound(await scan(`${reg.host}/basic-downgrade:latest`, ['--insecure', ...creds]));
      const plainHttp = reg.requests.filter((r) => r.scheme === 'http');
      assert.ok(plainHttp.length >= 1, 'the redirect was followed');
      assert.deepEqual(
        plainHttp.filter((r) => r.authorization !== undefined),
        [],
        'no Authorization over plain http',
      );
      assert.ok(
        reg.requests.some((r) => r.scheme === 'https' && r.authorization === BASIC),
        'https requests carried it',
      );
    },
  );

  test('a plain-HTTP Bearer realm for an https registry is refused, and gets nothing', { skip }, async () => {
    reg.requests.length = 0;
    const run = await scan(`${reg.host}/http-realm:latest`, creds, { env: trusted() });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /plain-HTTP token realm \(http:\/\/127\.0\.0\.1:\d+\); refused/);
    assert.deepEqual(
      reg.requests.filter((r) => r.path.startsWith('/token')),
      [],
    );
  });

  test('a plain-HTTP Bearer realm is used when --insecure names the registry', { skip }, async () => {
    alpineFound(await scan(`${reg.host}/http-realm:latest`, ['--insecure', ...creds]));
  });

  test('--insecure: TLS stays verified for a token host on another hostname', { skip }, async () => {
    reg.requests.length = 0;
    const run = await scan(`${reg.host}/foreign-tls-realm:latest`, ['--insecure', ...creds]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /certificate/i);
    assert.deepEqual(
      reg.requests.filter((r) => r.path.startsWith('/token')),
      [],
      'the token server never got the credentials',
    );
  });

  test("--insecure: a token host on the registry's own hostname is not verified", { skip }, async () => {
    alpineFound(await scan(`${reg.host}/own-tls-realm:latest`, ['--insecure', ...creds]));
  });

  test('a reset connection is retried over https, never switched to plain http', { skip }, async () => {
    reg.requests.length = 0;
    alpineFound(await scan(`${reg.host}/reset-blob:latest`, ['--insecure']));
    assert.ok(
      reg.requests.filter((r) => r.path.includes('/reset-blob/blobs/')).length >= 3,
      'the reset blob was asked again',
    );
    assert.deepEqual(
      reg.requests.filter((r) => r.scheme === 'http'),
      [],
      'nothing went over plain http',
    );
  });
});
