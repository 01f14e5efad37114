/**
 * A registry on loopback that misbehaves on purpose, one behaviour per
 * repository name: redirects forever, rate-limits, fails then recovers,
 * sends oversized manifests, blobs longer than declared, or trickles bytes.
 * Every repository serves the same small Alpine image.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { alpineRoot } from './corpus/content.js';
import { gzipLayer, sha256 } from './corpus/image-writer.js';
import { rawTar } from './corpus/tar-writer.js';

export interface HostileRegistry { host: string; hits: Map<string, number[]>; close(): Promise<void> }

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

export async function startHostileRegistry(): Promise<HostileRegistry> {
  const layer = gzipLayer(rawTar(alpineRoot()));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.diffId] }, history: [{ created_by: 'ADD alpine /' }] }));
  const blobs = new Map([[sha256(config), config], [sha256(layer.blob), layer.blob]]);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MANIFEST_TYPE,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: layer.mediaType, digest: sha256(layer.blob), size: layer.blob.length }],
  }));
  const hits = new Map<string, number[]>();
  const timers = new Set<NodeJS.Timeout>();

  const trickle = (res: ServerResponse, headers: Record<string, string | number>): void => {
    res.writeHead(200, headers);
    const t = setInterval(() => { if (!res.write(' ')) return; }, 100);
    timers.add(t);
    res.on('close', () => { clearInterval(t); timers.delete(t); });
  };

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = `${req.method} ${url.pathname}`;
    const seen = hits.get(key) ?? [];
    seen.push(Date.now());
    hits.set(key, seen);
    if (url.pathname === '/v2/' || url.pathname === '/v2') { res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'); return; }
    const m = /^\/v2\/([\w-]+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (!m) { res.writeHead(404).end(); return; }
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    const n = seen.length;
    if (kind === 'manifests') {
      switch (repo) {
        case 'redirect-loop': res.writeHead(302, { Location: `${url.pathname}?hop=${n}` }).end(); return;
        case 'rate-limited': if (n === 1) { res.writeHead(429, { 'Retry-After': '1' }).end(); return; } break;
        case 'flaky': if (n <= 2) { res.writeHead(503).end(); return; } break;
        case 'down': res.writeHead(503).end(); return;
        case 'huge-manifest': {
          res.writeHead(200, { 'Content-Type': MANIFEST_TYPE });
          const chunk = Buffer.alloc(1024 * 1024, 0x20);
          let sent = 0;
          const more = (): void => { while (sent < 64 && !res.destroyed) { sent++; if (!res.write(chunk)) { res.once('drain', more); return; } } res.end(); };
          more();
          return;
        }
        case 'slow-loris': trickle(res, { 'Content-Type': MANIFEST_TYPE }); return;
      }
      res.writeHead(200, { 'Content-Type': MANIFEST_TYPE, 'Content-Length': manifest.length, 'Docker-Content-Digest': sha256(manifest) }).end(manifest);
      return;
    }
    const blob = blobs.get(ref);
    if (!blob) { res.writeHead(404).end(); return; }
    const isLayer = blob !== config;
    if (isLayer && repo === 'blob-too-big') { const big = Buffer.concat([blob, Buffer.alloc(1024 * 1024, 7)]); res.writeHead(200, { 'Content-Length': big.length }).end(big); return; }
    if (isLayer && repo === 'slow-blob') { trickle(res, {}); return; }
    if (isLayer && repo === 'flaky' && (hits.get(key)?.length ?? 0) === 1) { res.writeHead(500).end(); return; }
    res.writeHead(200, { 'Content-Length': blob.length }).end(blob);
  };

  const server: Server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`, hits,
    close: async () => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
