/**
 * Where a local engine's API listens, found as the engine's own CLI finds it.
 *
 * Docker: `DOCKER_HOST` (unix://, tcp://, with TLS from `DOCKER_CERT_PATH`
 * when `DOCKER_TLS_VERIFY` or `DOCKER_TLS` is set), else the context named by
 * `DOCKER_CONTEXT` or by `currentContext` in `$DOCKER_CONFIG/config.json`
 * (its endpoint in `contexts/meta/<sha256 of the name>/meta.json`, its TLS
 * files in `contexts/tls/<same>/docker/`), else /var/run/docker.sock.
 * Podman: `CONTAINER_HOST`, else the rootful socket for root and the
 * rootless one under `$XDG_RUNTIME_DIR` for anyone else.
 *
 * Everything read here is the user's own configuration; files are small
 * JSON, read with a size cap, and a broken one is an "unreachable" reason
 * naming it, never a crash.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EngineUnreachable, type EngineName } from './local-engine.js';

/** How to reach an engine API, in dockerode's option names, and how to name it in messages. */
export interface Endpoint {
  /** `unix:///run/docker.sock`, `tcp://host:2376 (TLS)`: for messages. */
  describe: string;
  socketPath?: string;
  protocol?: 'http' | 'https';
  host?: string;
  port?: number;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

function readSmallFile(path: string, engine: EngineName): Buffer {
  const size = statSync(path).size;
  if (size > MAX_CONFIG_BYTES) throw new EngineUnreachable(engine, `${path} is ${size} bytes: not a config file`);
  return readFileSync(path);
}

function readJsonFile(path: string, engine: EngineName): unknown {
  try {
    return JSON.parse(readSmallFile(path, engine).toString('utf8')) as unknown;
  } catch (e) {
    if (e instanceof EngineUnreachable) throw e;
    throw new EngineUnreachable(engine, `cannot read ${path}: ${(e as Error).message}`);
  }
}

interface TlsFiles {
  dir: string;
  /** Refuse to talk when the files are missing (DOCKER_TLS_VERIFY); otherwise use what is there. */
  required: boolean;
}

/** Parses `unix://PATH` or `tcp://HOST:PORT` (`http://`, `https://` too); anything else is unreachable with a reason. */
export function endpointFromUrl(url: string, engine: EngineName, tls?: TlsFiles): Endpoint {
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new EngineUnreachable(engine, `${url}: a unix socket path must be absolute`);
    return { describe: url, socketPath };
  }
  const m = /^(tcp|http|https):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(url);
  if (!m) {
    const scheme = /^([a-z0-9+.-]+):\/\//i.exec(url)?.[1];
    throw new EngineUnreachable(
      engine,
      scheme === 'ssh'
        ? `${url}: ssh:// hosts are not supported; forward the socket (ssh -L /tmp/engine.sock:/run/docker.sock HOST) and point at unix:///tmp/engine.sock`
        : `${url}: not a unix:// or tcp://HOST:PORT address`,
    );
  }
  const useTls = m[1] === 'https' || tls !== undefined;
  const host = m[2]!.replace(/^\[|\]$/g, '');
  const port = m[3] ? Number(m[3]) : useTls ? 2376 : 2375;
  const endpoint: Endpoint = {
    describe: `${url}${useTls ? ' (TLS)' : ''}`,
    protocol: useTls ? 'https' : 'http',
    host,
    port,
  };
  if (tls) {
    for (const [field, file] of [
      ['ca', 'ca.pem'],
      ['cert', 'cert.pem'],
      ['key', 'key.pem'],
    ] as const) {
      const path = join(tls.dir, file);
      if (existsSync(path)) endpoint[field] = readSmallFile(path, engine);
      else if (tls.required && field !== 'ca')
        throw new EngineUnreachable(engine, `TLS is required but ${path} is missing (set DOCKER_CERT_PATH)`);
    }
  }
  return endpoint;
}

function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker');
}

/** The docker context in force: DOCKER_CONTEXT, else config.json's currentContext; undefined for `default`. */
function currentContext(env: NodeJS.ProcessEnv): string | undefined {
  if (env['DOCKER_CONTEXT']) return env['DOCKER_CONTEXT'] === 'default' ? undefined : env['DOCKER_CONTEXT'];
  const file = join(dockerConfigDir(env), 'config.json');
  if (!existsSync(file)) return undefined;
  const config = readJsonFile(file, 'docker') as { currentContext?: unknown } | null;
  const name = config && typeof config === 'object' ? config.currentContext : undefined;
  return typeof name === 'string' && name && name !== 'default' ? name : undefined;
}

function contextEndpoint(name: string, env: NodeJS.ProcessEnv): Endpoint {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = join(dockerConfigDir(env), 'contexts', 'meta', id, 'meta.json');
  if (!existsSync(meta))
    throw new EngineUnreachable('docker', `docker context "${name}" not found (no ${meta}); run docker context ls`);
  const doc = readJsonFile(meta, 'docker') as { Endpoints?: { docker?: { Host?: unknown } } } | null;
  const host = doc?.Endpoints?.docker?.Host;
  if (typeof host !== 'string')
    throw new EngineUnreachable('docker', `docker context "${name}": ${meta} names no docker endpoint Host`);
  const tlsDir = join(dockerConfigDir(env), 'contexts', 'tls', id, 'docker');
  const ep = endpointFromUrl(host, 'docker', existsSync(tlsDir) ? { dir: tlsDir, required: false } : undefined);
  return { ...ep, describe: `${ep.describe} (docker context ${name})` };
}

export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): Endpoint {
  const host = env['DOCKER_HOST'];
  if (host) {
    const verify = !!env['DOCKER_TLS_VERIFY'];
    const tls = verify || !!env['DOCKER_TLS'];
    const dir = env['DOCKER_CERT_PATH'] || dockerConfigDir(env);
    const ep = endpointFromUrl(host, 'docker', tls ? { dir, required: verify } : undefined);
    return { ...ep, describe: `${ep.describe} (DOCKER_HOST)` };
  }
  const context = currentContext(env);
  if (context) return contextEndpoint(context, env);
  return { describe: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' };
}

export function podmanEndpoint(env: NodeJS.ProcessEnv = process.env): Endpoint {
  const host = env['CONTAINER_HOST'];
  if (host) {
    const ep = endpointFromUrl(host, 'podman');
    return { ...ep, describe: `${ep.describe} (CONTAINER_HOST)` };
  }
  if (process.getuid?.() === 0)
    return { describe: 'unix:///run/podman/podman.sock', socketPath: '/run/podman/podman.sock' };
  const runtime = env['XDG_RUNTIME_DIR'] || `/run/user/${process.getuid?.() ?? ''}`;
  const socketPath = join(runtime, 'podman', 'podman.sock');
  return { describe: `unix://${socketPath}`, socketPath };
}
