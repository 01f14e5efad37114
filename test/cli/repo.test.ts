/**
 * `customs repo PATH|URL`: a local checkout (its .gitignore honoured, its
 * origin, branch and HEAD commit in the report) and clones of a bare
 * repository over file:// and over a real `git daemon` on loopback, into a
 * private temp dir removed afterwards. Nothing of the stranger's repository
 * runs (a hooksPath hook that plain git runs does not run under customs),
 * and credentials in the URL never reach a message.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.js';

const hasGit = spawnSync('git', ['--version']).status === 0;
const skip = hasGit ? false : 'skipped: git is not installed';
const work = mkdtempSync(join(tmpdir(), 'customs-repo-test-'));
const src = join(work, 'src');
const bare = join(work, 'bare.git');
const cache = join(work, 'cache');
let head = '';
after(() => rmSync(work, { recursive: true, force: true }));

const TOKEN = 'ghp_' + 'R3p0T0k3nR3p0T0k3nR3p0T0k3nR3p0T0k3n';
const LOCAL_TOKEN = 'ghp_' + 'L0c4lL0c4lL0c4lL0c4lL0c4lL0c4lL0c4lL0';
const gitEnv = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: work };

function git(args: string[], cwd = work, env: Record<string, string> = gitEnv): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
}

before(() => {
  if (!hasGit) return;
  mkdirSync(src);
  git(['init', '--quiet', '-b', 'main', src]);
  writeFileSync(join(src, '.env'), `GITHUB_TOKEN=${TOKEN}\n`);
  writeFileSync(join(src, '.gitignore'), 'local.secret\n');
  writeFileSync(join(src, 'Dockerfile'), 'FROM alpine:3.20\nRUN apk add curl\n');
  git(['add', '-A'], src);
  git(['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '--quiet', '-m', 'init'], src);
  git(['remote', 'add', 'origin', 'https://ci-user:hunter2pw@git.example.com/org/app.git'], src);
  writeFileSync(join(src, 'local.secret'), `TOKEN=${LOCAL_TOKEN}\n`); // untracked and ignored
  head = git(['rev-parse', 'HEAD'], src);
  git(['clone', '--quiet', '--bare', src, bare]);
});

interface Json {
  ArtifactName: string;
  ArtifactType: string;
  Metadata: { RepoURL?: string; Branch?: string; Commit?: string };
  Results?: { Target: string; Class: string }[];
}

async function repo(target: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = await runCli(
    ['repo', target, '--scanners', 'secret,misconfig', '--cache-dir', cache, '-f', 'json', ...args],
    {
      env: { ...gitEnv, ...env },
    },
  );
  return { ...r, json: r.code === 0 ? (JSON.parse(r.stdout) as Json) : undefined };
}

test('a local checkout: repository metadata, origin credentials masked, .gitignore honoured', { skip }, async () => {
  const r = await repo(src);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json!;
  assert.equal(j.ArtifactType, 'repository');
  assert.equal(j.ArtifactName, src);
  assert.deepEqual(j.Metadata, { RepoURL: 'https://***@git.example.com/org/app.git', Branch: 'main', Commit: head });
  assert.deepEqual(
    j.Results!.map((x) => [x.Target, x.Class]),
    [
      ['.env', 'secret'],
      ['Dockerfile', 'config'],
    ],
  );
  assert.ok(!r.stdout.includes('hunter2pw') && !r.stdout.includes('local.secret'));
});

test(
  'a file:// URL: shallow clone by branch and by commit into a private temp dir, removed after',
  { skip },
  async () => {
    const tmp = mkdtempSync(join(work, 'tmp-'));
    for (const args of [['--branch', 'main'], ['--commit', head], []]) {
      const r = await repo(`file://${bare}`, args, { TMPDIR: tmp });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json!.ArtifactName, `file://${bare}`);
      assert.equal(r.json!.Metadata.Commit, head);
      assert.deepEqual(
        r.json!.Results!.map((x) => x.Target),
        ['.env', 'Dockerfile'],
      );
      assert.deepEqual(readdirSync(tmp), [], 'the clone is removed');
    }
    const bad = await repo(`file://${bare}`, ['--branch', 'no-such-branch'], { TMPDIR: tmp });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /git clone failed: .*no-such-branch/);
    assert.deepEqual(readdirSync(tmp), [], 'removed after a failed clone too');
  },
);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, daemon: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (daemon.exitCode !== null) throw new Error('git daemon exited');
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' }, () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('git daemon did not listen');
}

test('a real network clone: git:// from git daemon on loopback', { skip }, async () => {
  const port = await freePort();
  const daemon = spawn(
    'git',
    ['daemon', '--reuseaddr', '--export-all', `--base-path=${work}`, '--listen=127.0.0.1', `--port=${port}`, work],
    { stdio: 'ignore', env: { ...process.env, ...gitEnv } },
  );
  try {
    await waitForPort(port, daemon);
    const r = await repo(`git://127.0.0.1:${port}/bare.git`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json!.Metadata.RepoURL, `git://127.0.0.1:${port}/bare.git`);
    assert.equal(r.json!.Metadata.Branch, 'main');
    assert.equal(r.json!.Metadata.Commit, head);
    assert.deepEqual(
      r.json!.Results!.map((x) => x.Target),
      ['.env', 'Dockerfile'],
    );
  } finally {
    daemon.kill();
  }
});

test('no hook runs: a post-checkout hook plain git runs does not run under customs', { skip }, async () => {
  const hooks = join(work, 'hooks');
  mkdirSync(hooks);
  const marker = join(work, 'hook-ran');
  writeFileSync(join(hooks, 'post-checkout'), `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
  const globalConfig = join(work, 'gitconfig');
  writeFileSync(globalConfig, `[core]\n\thooksPath = ${hooks}\n`);
  git(['clone', '--quiet', `file://${bare}`, join(work, 'plain')], work, {
    ...gitEnv,
    GIT_CONFIG_GLOBAL: globalConfig,
  });
  assert.ok(existsSync(marker), 'the hook fires for plain git (so the check below can fail)');
  rmSync(marker);
  const r = await repo(`file://${bare}`, [], { GIT_CONFIG_GLOBAL: globalConfig });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(marker), false, 'customs ran the hook');
});

test(
  'credentials in a URL never reach a message; foreign transports and flag-like names refused',
  { skip },
  async () => {
    const r = await repo('https://ci-user:hunter2pw@127.0.0.1:1/org/app.git');
    assert.equal(r.code, 1);
    assert.ok(!r.stderr.includes('hunter2pw'), r.stderr);
    assert.match(r.stderr, /https:\/\/\*\*\*@127\.0\.0\.1:1\/org\/app\.git/);
    const ftp = await repo('ftp://127.0.0.1/x.git');
    assert.equal(ftp.code, 1);
    assert.match(ftp.stderr, /the ftp transport is not allowed/);
    const flag = await repo(`file://${bare}`, ['--branch', '--upload-pack=touch /tmp/x']);
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /not a valid branch name/);
    const local = await repo(src, ['--branch', 'main']);
    assert.equal(local.code, 1);
    assert.match(local.stderr, /--branch applies to a repository URL/);
  },
);

test('a stalled server: --timeout ends the clone and its temp dir is removed', { skip }, async () => {
  const held: import('node:net').Socket[] = [];
  const server = createServer((s) => held.push(s)); // accepts, never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const tmp = mkdtempSync(join(work, 'tmp-stall-'));
  try {
    const t = Date.now();
    const r = await repo(`git://127.0.0.1:${port}/x.git`, ['--timeout', '2s'], { TMPDIR: tmp });
    assert.equal(r.code, 1);
    assert.ok(Date.now() - t < 30_000, 'ended by the timeout');
    assert.match(r.stderr, /cancelled or timed out|did not finish within 2s/);
    assert.deepEqual(readdirSync(tmp), [], 'the clone dir is removed');
  } finally {
    for (const s of held) s.destroy();
    server.close();
  }
});
