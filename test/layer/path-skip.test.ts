/** --skip-dirs / --skip-files globs: Trivy's (doublestar) semantics, matched in bounded time on hostile paths. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanPattern, pathSkipper } from '../../src/layer/path-skip.js';

test('skip-dirs: a plain name is relative to the target; ** reaches any depth; everything below is skipped', () => {
  const s = pathSkipper(['node_modules', '**/test', 'a/*/c'], []);
  assert.equal(s.skipsDir('node_modules'), true);
  assert.equal(s.skipsDir('web/node_modules'), false, 'a plain name matches at the top only, as Trivy');
  assert.equal(s.skipsDir('test'), true, '** matches zero directories');
  assert.equal(s.skipsDir('x/y/test'), true);
  assert.equal(s.skipsDir('a/b/c'), true);
  assert.equal(s.skipsDir('a/b/b/c'), false, '* stays within one segment');
  assert.equal(s.skipsFile('node_modules/x/package.json'), true, 'a file below a skipped directory is skipped');
  assert.equal(s.skipsFile('x/test/fixture.env'), true);
  assert.equal(s.skipsFile('src/index.js'), false);
});

test('skip-files: globs with *, ?, classes and braces; leading / and ./ cleaned as Trivy does', () => {
  const s = pathSkipper(
    [],
    ['**/*.env', 'docs/?.md', 'conf/[a-c]*.yaml', 'x/[!0-9]', 'lock.{json,yaml}', '/abs.txt', './rel.txt'],
  );
  assert.equal(s.skipsFile('.env'), true, '*.env matches the dotfile .env');
  assert.equal(s.skipsFile('deep/er/prod.env'), true);
  assert.equal(s.skipsFile('docs/a.md'), true);
  assert.equal(s.skipsFile('docs/ab.md'), false);
  assert.equal(s.skipsFile('conf/b1.yaml'), true);
  assert.equal(s.skipsFile('conf/d1.yaml'), false);
  assert.equal(s.skipsFile('x/a'), true);
  assert.equal(s.skipsFile('x/1'), false);
  assert.equal(s.skipsFile('lock.yaml'), true);
  assert.equal(s.skipsFile('abs.txt'), true);
  assert.equal(s.skipsFile('/rel.txt'), true, 'image paths may come with a leading /');
  assert.equal(cleanPattern('./a//b/'), 'a/b');
});

test('.git is skipped by name wherever it is when asked; nothing is skipped without patterns', () => {
  const s = pathSkipper([], [], ['.git']);
  assert.equal(s.skipsDir('.git'), true);
  assert.equal(s.skipsFile('sub/module/.git/config'), true);
  assert.equal(s.skipsFile('.gitignore'), false);
  const none = pathSkipper();
  assert.equal(none.skipsFile('anything'), false);
  assert.equal(none.fingerprint, '');
});

test('hostile paths: many-star patterns and deep paths match in bounded time', () => {
  // picomatch's regex for the first pattern took 109 s on one 250-character name.
  const s = pathSkipper(['**/a/**/a/**/a/**/a/**/b'], ['*a*a*a*a*a*a*b', '**/*a*a*a*a*/**/b*b*']);
  const names = ['a'.repeat(4000), `${'a/'.repeat(2000)}c`, `${('a'.repeat(60) + '/').repeat(60)}x`];
  const t = process.hrtime.bigint();
  for (const n of names) {
    assert.equal(s.skipsFile(n), false);
    assert.equal(s.skipsDir(n), false);
  }
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  assert.ok(ms < 2000, `took ${ms} ms`);
  assert.throws(() => pathSkipper([], ['[abc']), /unclosed \[/);
});
