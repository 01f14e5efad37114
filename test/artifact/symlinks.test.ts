import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveInImage } from '../../src/artifact/symlinks.js';

test("image paths resolve through the image's own symlinks, lexically", () => {
  // as Debian's libgcc-s1 ships it: usr/share/doc/libgcc-s1 -> gcc-12-base
  const links = new Map([['usr/share/doc/libgcc-s1', 'gcc-12-base']]);
  assert.equal(resolveInImage('usr/share/doc/libgcc-s1/copyright', links), 'usr/share/doc/gcc-12-base/copyright');
  assert.equal(resolveInImage('usr/share/doc/other/copyright', links), 'usr/share/doc/other/copyright');
  // absolute targets are image-rooted; chains and ancestors are followed
  const chain = new Map([
    ['usr/share/doc/a', '/usr/share/doc/b'],
    ['usr/share/doc/b', '../doc/c'],
    ['lib', 'usr/lib'],
  ]);
  assert.equal(resolveInImage('usr/share/doc/a/copyright', chain), 'usr/share/doc/c/copyright');
  assert.equal(resolveInImage('lib/x/y', chain), 'usr/lib/x/y');
});

test('loops and targets above the root resolve to nothing, never to a host path', () => {
  assert.equal(
    resolveInImage(
      'a/x',
      new Map([
        ['a', 'b'],
        ['b', 'a'],
      ]),
    ),
    undefined,
  );
  assert.equal(
    resolveInImage('usr/share/doc/p/copyright', new Map([['usr/share/doc/p', '../../../../etc']])),
    undefined,
  );
});
