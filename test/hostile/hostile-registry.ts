/**
 * A registry on loopback that misbehaves on purpose, one behaviour per
 * repository name: redirects forever, rate-limits, fails then recovers,
 * sends oversized manifests, blobs longer than declared, or trickles bytes;
 * and, for credentials, repositories behind Basic or Bearer auth whose token
 * server redirects to a third host, that redirect https to plain http on the
 * same host and port, name a plain-HTTP or foreign-host token realm, or reset
 * a connection once. Given a certificate, it speaks TLS and plain HTTP on
 * one port (told apart by the first byte), so "same host and port, other
 * scheme" is real. Every repository serves the same small Alpine image.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { alpineRoot } from './corpus/content.js';
import { gzipLayer, sha256 } from './corpus/image-writer.js';
import { rawTar } from './corpus/tar-writer.js';

/** One request as a server saw it: which server, scheme, path and the Authorization header. */
export interface SeenRequest {
  server: 'registry' | 'third';
  scheme: 'http' | 'https';
  path: string;
  authorization?: string;
}

export interface HostileRegistry {
  host: string;
  /** The other origin the token server redirects to. */
  thirdHost: string;
  hits: Map<string, number[]>;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** The Basic credentials the auth repositories accept, and the token their token servers hand out. */
export const REGISTRY_USER = 'scanner';
export const REGISTRY_PASSWORD = 'hunter2-registry-secret';
const TOKEN = 'hostile-registry-token';
const BASIC = `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`;

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

export async function startHostileRegistry(
  opts: { tls?: { cert: string; key: string } } = {},
): Promise<HostileRegistry> {
  const layer = gzipLayer(rawTar(alpineRoot()));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created_by: 'ADD alpine /' }],
    }),
  );
  const blobs = new Map([
    [sha256(config), config],
    [sha256(layer.blob), layer.blob],
  ]);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: layer.mediaType, digest: sha256(layer.blob), size: layer.blob.length }],
    }),
  );
  const hits = new Map<string, number[]>();
  const timers = new Set<NodeJS.Timeout>();

  const trickle = (res: ServerResponse, headers: Record<string, string | number>): void => {
    res.writeHead(200, headers);
    const t = setInterval(() => {
      if (!res.write(' ')) return;
    }, 100);
    timers.add(t);
    res.on('close', () => {
      clearInterval(t);
      timers.delete(t);
    });
  };

  const requests: SeenRequest[] = [];
  let host = '';
  let thirdHost = '';
  const schemeOf = (req: IncomingMessage): 'http' | 'https' => ((req.socket as TLSSocket).encrypted ? 'https' : 'http');
  const record = (server: SeenRequest['server'], req: IncomingMessage, path: string): void => {
    requests.push({
      server,
      scheme: schemeOf(req),
      path,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
  };
  const sendToken = (res: ServerResponse): void => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
  };

  /** The auth repositories' gate: true when the request may go on to the image. */
  const authorized = (repo: string, req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const auth = req.headers.authorization;
    const scheme = schemeOf(req);
    const bearer = (realm: string): boolean => {
      if (auth === `Bearer ${TOKEN}`) return true;
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${realm}",service="hostile"` }).end();
      return false;
    };
    switch (repo) {
      case 'basic':
      case 'basic-downgrade':
        if (repo === 'basic-downgrade' && scheme === 'http') return true; // the downgraded target serves anyone (and records what it got)
        if (auth !== BASIC) {
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="hostile"' }).end();
          return false;
        }
        if (repo === 'basic-downgrade' && url.pathname.includes('/manifests/')) {
          res.writeHead(302, { Location: `http://${host}${url.pathname}` }).end();
          return false;
        }
        return true;
      case 'token-redirect':
        return bearer(`${scheme}://${host}/token/redirect`);
      case 'http-realm':
        return bearer(`http://${host}/token/plain`);
      case 'own-tls-realm':
        return bearer(`https://${host}/token/plain`);
      case 'foreign-tls-realm':
        return bearer(`https://${host.replace('127.0.0.1', 'localhost')}/token/plain`);
      default:
        return true;
    }
  };

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    record('registry', req, url.pathname);
    const key = `${req.method} ${url.pathname}`;
    const seen = hits.get(key) ?? [];
    seen.push(Date.now());
    hits.set(key, seen);
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    if (url.pathname === '/token/redirect') {
      res.writeHead(302, { Location: `http://${thirdHost}/token` }).end();
      return;
    }
    if (url.pathname === '/token/plain') {
      sendToken(res);
      return;
    }
    const m = /^\/v2\/([\w-]+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    if (!authorized(repo, req, res, url)) return;
    const n = seen.length;
    if (kind === 'manifests') {
      switch (repo) {
        case 'redirect-loop':
          res.writeHead(302, { Location: `${url.pathname}?hop=${n}` }).end();
          return;
        case 'rate-limited':
          if (n === 1) {
            res.writeHead(429, { 'Retry-After': '1' }).end();
            return;
          }
          break;
        case 'flaky':
          if (n <= 2) {
            res.writeHead(503).end();
            return;
          }
          break;
        case 'down':
          res.writeHead(503).end();
          return;
        case 'huge-manifest': {
          res.writeHead(200, { 'Content-Type': MANIFEST_TYPE });
          const chunk = Buffer.alloc(1024 * 1024, 0x20);
          let sent = 0;
          const more = (): void => {
            while (sent < 64 && !res.destroyed) {
              sent++;
              if (!res.write(chunk)) {
                res.once('drain', more);
                return;
              }
            }
            res.end();
          };
          more();
          return;
        }
        case 'slow-loris':
          trickle(res, { 'Content-Type': MANIFEST_TYPE });
          return;
      }
      res
        .writeHead(200, {
          'Content-Type': MANIFEST_TYPE,
          'Content-Length': manifest.length,
          'Docker-Content-Digest': sha256(manifest),
        })
        .end(manifest);
      return;
    }
    const blob = blobs.get(ref);
    if (!blob) {
      res.writeHead(404).end();
      return;
    }
    const isLayer = blob !== config;
    if (isLayer && repo === 'blob-too-big') {
      const big = Buffer.concat([blob, Buffer.alloc(1024 * 1024, 7)]);
      res.writeHead(200, { 'Content-Length': big.length }).end(big);
      return;
    }
    if (isLayer && repo === 'slow-blob') {
      trickle(res, {});
      return;
    }
    if (isLayer && repo === 'flaky' && (hits.get(key)?.length ?? 0) === 1) {
      res.writeHead(500).end();
      return;
    }
    if (isLayer && repo === 'reset-blob' && (hits.get(key)?.length ?? 0) === 1) {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'Content-Length': blob.length }).end(blob);
  };

  const plain: Server = createServer(serve);
  const secure = opts.tls ? createHttpsServer(opts.tls, serve) : undefined;
  // One port for both schemes: a TLS ClientHello starts with 0x16, HTTP with a method name.
  const listener: NetServer | Server = secure
    ? createNetServer((socket: Socket) => {
        socket.once('data', (first: Buffer) => {
          socket.pause();
          socket.unshift(first);
          (first[0] === 0x16 ? secure : plain).emit('connection', socket);
          process.nextTick(() => socket.resume());
        });
      })
    : plain;
  const sockets = new Set<Socket>();
  listener.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(listener.address() as AddressInfo).port}`;

  // The third host: another origin a token server redirects to. It answers with a token, so only the headers tell.
  const third = createServer((req, res) => {
    record('third', req, new URL(req.url ?? '/', 'http://x').pathname);
    sendToken(res);
  });
  await new Promise<void>((resolve) => third.listen(0, '127.0.0.1', resolve));
  thirdHost = `127.0.0.1:${(third.address() as AddressInfo).port}`;

  return {
    host,
    thirdHost,
    hits,
    requests,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      third.closeAllConnections();
      await Promise.all([listener, third].map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
    },
  };
}
