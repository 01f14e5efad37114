/**
 * `customs repo URL`: a shallow clone with the system `git` into a private
 * temporary directory, removed when the scan closes the image.
 *
 * The repository is a stranger's, so nothing of it may run: no hooks (the
 * clone gets no template and `core.hooksPath=/dev/null`), no submodules, no
 * LFS smudge filter, no fsmonitor; only the URL's own transport is allowed
 * (`protocol.allow=never` otherwise: no `ext::` commands, no redirects into
 * `file://`); no terminal prompt; a timeout. Credentials in the URL are
 * masked in every message.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { lazyRequire } from '../util/lazy-require.js';
import { maskUrlCredentials } from './git-repo.js';

export interface CloneOptions {
  branch?: string;
  tag?: string;
  commit?: string;
  /** Ends the clone (the scan's deadline or cancellation). */
  signal?: AbortSignal;
  /** The clone alone may take this long (default 5 minutes). */
  timeoutMs?: number;
}

/** Only `repo URL` runs git: the rest of the CLI starts without loading child_process. */
const childProcess = lazyRequire<typeof import('node:child_process')>('node:child_process');

const DEFAULT_CLONE_TIMEOUT_MS = 5 * 60_000;
const MAX_STDERR = 16 * 1024;
const TRANSPORTS = new Set(['https', 'http', 'ssh', 'git', 'file']);

/** True for what git clones from a URL (`scheme://…`, or scp-like `user@host:path`), not a local path. */
export function isRepoUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || /^[\w.-]+@[\w.-]+:(?!\/\/)/.test(target);
}

function transportOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!m) return 'ssh'; // scp-like syntax
  const scheme = m[1]!.toLowerCase();
  const t = scheme === 'git+ssh' || scheme === 'ssh+git' ? 'ssh' : scheme;
  if (!TRANSPORTS.has(t))
    throw new UserError(
      `${maskUrlCredentials(url)}: the ${scheme} transport is not allowed`,
      'use https, ssh, git or file',
    );
  return t;
}

function checkName(what: string, v: string | undefined): void {
  // Passed to git as values, never as options: a leading dash would make them one.
  if (v !== undefined && (!v || v.startsWith('-') || /[\s\0]/.test(v)))
    throw new UserError(`--${what} "${v}": not a valid ${what} name`);
}

/** The `-c` settings every git run of a stranger's repository gets. */
function safeConfig(transport: string): string[] {
  const c = [
    'core.hooksPath=/dev/null',
    'core.fsmonitor=false',
    'submodule.recurse=false',
    'protocol.allow=never',
    `protocol.${transport}.allow=always`,
    'filter.lfs.smudge=',
    'filter.lfs.process=',
    'filter.lfs.required=false',
    'advice.detachedHead=false',
  ];
  return c.flatMap((x) => ['-c', x]);
}

function runGit(args: string[], cwd: string, url: string, opts: CloneOptions): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = childProcess().spawn('git', args, {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        GIT_TERMINAL_PROMPT: '0',
        GIT_ASKPASS: '/bin/false',
        SSH_ASKPASS: '/bin/false',
        GIT_SSH_COMMAND: process.env['GIT_SSH_COMMAND'] ?? 'ssh -o BatchMode=yes',
        GIT_LFS_SKIP_SMUDGE: '1',
        GIT_CONFIG_NOSYSTEM: '1',
      },
      timeout: opts.timeoutMs ?? DEFAULT_CLONE_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      signal: opts.signal,
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += d.toString('utf8');
    });
    const shown = maskUrlCredentials(url);
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new UserError('git is not installed', 'install git to scan a repository URL'));
      else if (e.name === 'AbortError') reject(new UserError(`${shown}: the clone was cancelled or timed out`));
      else reject(new UserError(`${shown}: git failed: ${maskUrlCredentials(e.message)}`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise();
      const last = maskUrlCredentials(stderr)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('Cloning into'))
        .slice(-2)
        .join('; ');
      reject(
        new UserError(
          signal
            ? `${shown}: git was stopped (${signal}): the clone took too long`
            : `${shown}: git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''} failed: ${last || `exit code ${code}`}`,
          'check the URL, the branch/tag/commit and your access to the repository',
        ),
      );
    });
  });
}

/**
 * Checks a clone request before any slow work (database build, network):
 * the transport, the revision names, and that git is installed. Returns the transport.
 */
export function checkCloneRequest(url: string, opts: Pick<CloneOptions, 'branch' | 'tag' | 'commit'>): string {
  const transport = transportOf(url);
  checkName('branch', opts.branch);
  checkName('tag', opts.tag);
  if (opts.commit !== undefined && !/^[0-9a-f]{4,64}$/i.test(opts.commit))
    throw new UserError(`--commit "${opts.commit}": not a commit hash`, 'give the hex commit id');
  if ([opts.branch, opts.tag, opts.commit].filter((x) => x !== undefined).length > 1)
    throw new UserError('--branch, --tag and --commit name one revision: give only one');
  return transport;
}

/** Throws when the system git cannot be run (checked before a scan's slow work). */
export function checkGitInstalled(): void {
  const r = childProcess().spawnSync('git', ['--version'], { stdio: 'ignore', timeout: 10_000 });
  if (r.error || r.status !== 0)
    throw new UserError('git is not installed (or cannot run)', 'install git to scan a repository URL');
}

/** Clones `url` into a new private temp dir; returns it and a function that removes it. */
export async function cloneRepository(
  url: string,
  opts: CloneOptions,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const transport = checkCloneRequest(url, opts);
  const parent = await mkdtemp(join(tmpdir(), 'customs-repo-')); // mode 0700
  const dir = join(parent, 'repo');
  // Removed when the scan closes the image; and, should the process end first (the CLI's --timeout
  // backstop exits), on its way out.
  const onExit = (): void => rmSync(parent, { recursive: true, force: true });
  process.once('exit', onExit);
  const remove = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    await rm(parent, { recursive: true, force: true });
  };
  const cfg = safeConfig(transport);
  try {
    if (opts.commit === undefined) {
      const ref = opts.branch ?? opts.tag;
      await runGit(
        [
          ...cfg,
          'clone',
          '--depth',
          '1',
          '--no-recurse-submodules',
          '--template=',
          ...(ref ? ['--branch', ref] : []),
          '--',
          url,
          dir,
        ],
        parent,
        url,
        opts,
      );
    } else {
      // A commit is fetched by its id (shallow, where the server allows it), else from the full history.
      await runGit([...cfg, 'init', '--quiet', '--template=', dir], parent, url, opts);
      await runGit([...cfg, 'remote', 'add', 'origin', '--', url], dir, url, opts);
      try {
        await runGit([...cfg, 'fetch', '--depth', '1', '--no-tags', 'origin', opts.commit], dir, url, opts);
      } catch {
        await runGit([...cfg, 'fetch', '--no-tags', 'origin'], dir, url, opts);
      }
      await runGit([...cfg, 'checkout', '--quiet', '--detach', opts.commit, '--'], dir, url, opts);
    }
    return { dir, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}
