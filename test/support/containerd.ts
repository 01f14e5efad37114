/**
 * A real containerd (Debian's package) started for one test file: as root,
 * with its root, state and socket in a temp dir, the CRI plugin and the
 * snapshotters that need kernel support off (images are imported with
 * `--no-unpack`, so no snapshot is ever made), stopped and removed after.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Containerd {
  dir: string;
  socket: string;
  /** Where its content store keeps blobs: `<root>/io.containerd.content.v1.content/blobs/sha256/<hex>`. */
  contentDir: string;
  /** Runs `ctr` against this containerd in `namespace` (default `default`). */
  ctr(args: string[], namespace?: string): string;
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

/** Why containerd tests cannot run here, or undefined when they can. */
export function containerdSkipReason(): string | undefined {
  for (const bin of ['containerd', 'ctr']) if (!onPath(bin)) return `skipped: ${bin} is not installed`;
  if (process.getuid?.() !== 0) return 'skipped: starting containerd needs root';
  return undefined;
}

function config(dir: string): string {
  // The opt plugin would create /opt/containerd; CRI and these snapshotters need a node, not a scan.
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
]
[grpc]
  address = "${dir}/containerd.sock"
[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
`;
}

export async function startContainerd(): Promise<Containerd> {
  const dir = mkdtempSync(join(tmpdir(), 'customs-ctd-'));
  const socket = join(dir, 'containerd.sock');
  writeFileSync(join(dir, 'config.toml'), config(dir));
  const log = openSync(join(dir, 'containerd.log'), 'w');
  const child: ChildProcess = spawn('containerd', ['--config', join(dir, 'config.toml')], {
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ctr = (args: string[], namespace = 'default'): string =>
    execFileSync('ctr', ['-a', socket, '-n', namespace, ...args], { encoding: 'utf8', timeout: 120_000 });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 20_000; ;) {
    try {
      ctr(['version']);
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        const why = readFileSync(join(dir, 'containerd.log'), 'utf8').split('\n').slice(-15).join('\n');
        await stop();
        throw new Error(`containerd did not start:\n${why}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { dir, socket, contentDir: join(dir, 'root', 'io.containerd.content.v1.content'), ctr, stop };
}
