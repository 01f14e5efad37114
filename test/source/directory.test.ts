/**
 * A directory as a one-layer image (fs, repo, rootfs): what enters its tar
 * stream is all that is ever read. Skipped and .gitignored paths, symlinks
 * out of the tree, link loops and FIFOs never do.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { extract } from 'tar-stream';
import { pathSkipper } from '../../src/layer/path-skip.js';
import { openDirectory, skipPatternsFor } from '../../src/source/directory.js';
import { GitignoreStack } from '../../src/source/gitignore.js';

const work = mkdtempSync(join(tmpdir(), 'customs-dir-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function entries(
  dir: string,
  opts: Partial<Parameters<typeof openDirectory>[1]> = {},
): Promise<{ files: Map<string, string>; links: Map<string, string>; warnings: string[] }> {
  const warnings: string[] = [];
  const image = await openDirectory(dir, { name: dir, warn: (m) => warnings.push(m), ...opts });
  const stream = await image.layers[0]!.open();
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  const ex = extract();
  stream.pipe(ex);
  for await (const e of ex) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    if (e.header.type === 'file') files.set(e.header.name, Buffer.concat(chunks).toString());
    if (e.header.type === 'symlink') links.set(e.header.name, e.header.linkname ?? '');
  }
  return { files, links, warnings };
}

test('symlinks out of the tree and loops are recorded, never followed; a FIFO is not read', async () => {
  const outside = join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'outside the tree');
  const dir = join(work, 'tree');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'a.txt'), 'inside');
  symlinkSync('/etc/shadow', join(dir, 'shadow'));
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'leak.txt'));
  symlinkSync(outside, join(dir, 'leakdir'));
  symlinkSync('..', join(dir, 'sub', 'loop'));
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  const { files, links } = await entries(dir);
  assert.deepEqual([...files.keys()], ['sub/a.txt']);
  assert.equal(links.get('shadow'), '/etc/shadow');
  assert.equal(links.get('sub/loop'), '..');
  assert.ok(![...files.values()].some((v) => v.includes('outside the tree')));
});

test('.gitignore, nested, with negation; skip globs; none of it read', async () => {
  const dir = join(work, 'project');
  mkdirSync(join(dir, 'build'), { recursive: true });
  mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
  mkdirSync(join(dir, '.git'), { recursive: true });
  writeFileSync(join(dir, '.gitignore'), '# build output\nbuild/\n*.log\n!keep.log\n');
  writeFileSync(join(dir, 'sub', '.gitignore'), 'local.env\n!debug.log\n');
  for (const f of [
    'build/out.js',
    'a.log',
    'keep.log',
    'sub/local.env',
    'sub/debug.log',
    'sub/deep/local.env',
    'app.js',
  ])
    writeFileSync(join(dir, f), f);
  writeFileSync(join(dir, '.git', 'config'), '[core]\n');
  const ignored = await entries(dir, { gitignore: true, skip: pathSkipper([], [], ['.git']) });
  assert.deepEqual(
    [...ignored.files.keys()].sort(),
    ['.gitignore', 'app.js', 'keep.log', 'sub/.gitignore', 'sub/debug.log'],
    'the deeper file wins (sub/debug.log re-included), rules reach below their directory',
  );
  const all = await entries(dir);
  assert.ok(all.files.has('build/out.js') && all.files.has('.git/config'), 'a rootfs-like walk keeps them');
  const skipped = await entries(dir, { skip: pathSkipper(['sub', 'build'], ['*.log']) });
  assert.deepEqual([...skipped.files.keys()].sort(), ['.git/config', '.gitignore', 'app.js']);
});

test('one file as the target; skip paths given relative to the working dir are made relative to the target', async () => {
  const dir = join(work, 'single');
  mkdirSync(dir);
  writeFileSync(join(dir, 'requirements.txt'), 'requests==2.19.0\n');
  writeFileSync(join(dir, 'other.txt'), 'x');
  const { files } = await entries(join(dir, 'requirements.txt'));
  assert.deepEqual([...files.keys()], ['requirements.txt']);
  assert.deepEqual(skipPatternsFor('proj', ['./proj/vendor', 'lib', '**/x', '/abs/proj/a'], '/abs'), [
    'vendor',
    'lib',
    '**/x',
    'a',
  ]);
});

test('hostile .gitignore: rules with many ** are dropped with a warning, the rest apply', () => {
  const warnings: string[] = [];
  const g = GitignoreStack.empty().withFile('', '**/a/**/a/**/a/**/b\n*.tmp\n', '.gitignore', (m) => warnings.push(m));
  assert.equal(g.ignores('x.tmp', false), true);
  const deep = `${'a/'.repeat(120)}c`;
  const t = Date.now();
  assert.equal(g.ignores(deep, false), false);
  assert.ok(Date.now() - t < 1000);
  assert.match(warnings.join('\n'), /not applied \(too long or too many \*\*\)/);
});

test('git never ignores what it tracks: a .gitignore of * cannot hide a checkout`s files (index v2, v3, v4)', async (t) => {
  if (spawnSync('git', ['--version']).status !== 0) return t.skip('git is not installed');
  const dir = join(work, 'checkout');
  mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env });
  git('init', '--quiet');
  writeFileSync(join(dir, '.gitignore'), '*\n');
  writeFileSync(join(dir, 'src', 'deep', 'tracked.env'), 'x');
  writeFileSync(join(dir, 'also-tracked-with-a-longer-name.txt'), 'y');
  git('add', '--force', '.gitignore', 'src/deep/tracked.env', 'also-tracked-with-a-longer-name.txt');
  writeFileSync(join(dir, 'untracked.env'), 'z');
  for (const version of ['2', '3', '4']) {
    git('update-index', '--index-version', version);
    const { files } = await entries(dir, { gitignore: true, skip: pathSkipper([], [], ['.git']) });
    assert.deepEqual(
      [...files.keys()].sort(),
      ['.gitignore', 'also-tracked-with-a-longer-name.txt', 'src/deep/tracked.env'],
      `index version ${version}`,
    );
  }
});
