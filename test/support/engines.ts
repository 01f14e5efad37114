/**
 * Real container engines for tests, each started by the test itself in a
 * temp directory and stopped at the end: Debian's dockerd (vfs storage, no
 * iptables, no bridge) and `podman system service` (its own --root and
 * --runroot). A test file starts one and shares it across its tests.
 * Where the binary is missing or the test is not root, the caller skips
 * with the reason returned here.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningEngine {
  /** unix:///…/docker.sock, for DOCKER_HOST / CONTAINER_HOST. */
  host: string;
  dir: string;
  /** Runs the engine's CLI against this daemon; returns stdout, trimmed. */
  cli(args: string[], input?: Buffer): string;
  stop(): Promise<void>;
}

function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitFor(ready: () => boolean, what: string, log: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (ready()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${what} did not start in ${ms / 1000}s: ${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''}`,
  );
}

function succeeds(bin: string, args: string[]): boolean {
  try {
    execFileSync(bin, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess, ms = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

export function engineSkipReason(bin: 'dockerd' | 'podman'): string | undefined {
  if (process.getuid?.() !== 0) return `skipped: starting ${bin} needs root`;
  if (!onPath(bin)) return `skipped: ${bin} is not installed`;
  if (bin === 'dockerd' && !onPath('docker')) return 'skipped: the docker CLI is not installed';
  return undefined;
}

/** dockerd on a unix socket in a temp dir (vfs: no overlay mounts to clean up). */
export async function startDockerd(extraArgs: string[] = []): Promise<RunningEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'customs-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const log = join(dir, 'dockerd.log');
  const host = `unix://${socket}`;
  const out = openSync(log, 'a');
  const child = spawn(
    'dockerd',
    [
      '--storage-driver',
      'vfs',
      '--iptables=false',
      '--bridge=none',
      '--host',
      host,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'pid'),
      ...extraArgs,
    ],
    { stdio: ['ignore', out, out] },
  );
  const cli = (args: string[], input?: Buffer): string =>
    execFileSync('docker', ['-H', host, ...args], { input, encoding: 'utf8', timeout: 120_000 }).trim();
  const stop = async (): Promise<void> => {
    try {
      const ids = cli(['ps', '-aq']).split('\n').filter(Boolean);
      if (ids.length) cli(['rm', '-f', ...ids]);
    } catch {
      // the daemon is going anyway
    }
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => existsSync(socket) && succeeds('docker', ['-H', host, 'version']), 'dockerd', log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { host, dir, cli, stop };
}

/**
 * `podman system service` on a socket in a temp dir, with its own storage.
 * Containers here get --ulimit values no higher than this process's (a
 * container runtime may lack CAP_SYS_RESOURCE to raise them).
 */
export async function startPodman(): Promise<RunningEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'customs-podman-'));
  const socket = join(dir, 'podman.sock');
  const log = join(dir, 'podman.log');
  const host = `unix://${socket}`;
  const storage = ['--root', join(dir, 'root'), '--runroot', join(dir, 'runroot'), '--storage-driver', 'vfs'];
  mkdirSync(join(dir, 'tmp'));
  const out = openSync(log, 'a');
  const child = spawn('podman', [...storage, 'system', 'service', '--time=0', host], {
    stdio: ['ignore', out, out],
    env: { ...process.env, TMPDIR: join(dir, 'tmp') },
  });
  const cli = (args: string[], input?: Buffer): string =>
    execFileSync('podman', ['--url', host, ...args], { input, encoding: 'utf8', timeout: 120_000 }).trim();
  const stop = async (): Promise<void> => {
    try {
      cli(['rm', '-f', '-a', '-t', '0']);
    } catch {
      // the service is going anyway
    }
    await stopChild(child);
    try {
      execFileSync('podman', [...storage, 'system', 'reset', '-f'], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      // best effort: the directory is removed below
    }
    // conmon runs `podman container cleanup` when a container dies, which may recreate the store after a
    // first removal: remove until it stays gone.
    for (let i = 0; i < 5; i++) {
      rmSync(dir, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
      if (!existsSync(dir)) break;
    }
  };
  try {
    await waitFor(() => existsSync(socket) && succeeds('podman', ['--url', host, 'version']), 'podman service', log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { host, dir, cli, stop };
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A CA, a server certificate for 127.0.0.1 and a client certificate, as
 * `dockerd --tlsverify` and `DOCKER_CERT_PATH` want them (ca.pem, cert.pem,
 * key.pem for the client; server-*.pem for the daemon), made with openssl.
 */
export function makeDockerTlsFiles(dir: string): void {
  const ssl = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 30_000 });
  };
  ssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=customs test CA',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
  ]);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [
    ['server', '127.0.0.1'],
    ['client', 'customs'],
  ] as const) {
    ssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
    ]);
    ssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}-cert.pem`,
    ]);
  }
  // The names DOCKER_CERT_PATH holds for the client.
  writeFileSync(join(dir, 'cert.pem'), readFileSync(join(dir, 'client-cert.pem')));
  writeFileSync(join(dir, 'key.pem'), readFileSync(join(dir, 'client-key.pem')));
}
