import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalyzerOutput } from '../../src/model/facts.js';
import type { Package } from '../../src/model/package.js';
import { introducingLayer, mergeLayers } from '../../src/artifact/merge.js';
import type { LayerFacts } from '../../src/model/facts.js';

function layer(
  files: Record<string, AnalyzerOutput | undefined>,
  s: Partial<LayerFacts['structure']> = {},
): LayerFacts {
  return {
    structure: { whiteouts: [], opaqueDirs: [], symlinks: {}, setidFiles: [], entries: 0, warnings: [], ...s },
    analyzers: [
      { analyzer: 'a', files: Object.entries(files).map(([path, output]) => (output ? { path, output } : { path })) },
    ],
  };
}
const pkgs = (...nv: string[]): AnalyzerOutput => ({
  packageSets: [
    {
      type: 'dpkg',
      filePath: 's',
      packages: nv.map((x) => {
        const [name, version] = x.split('@');
        return { name, version } as Package;
      }),
    },
  ],
});
const paths = (m: ReturnType<typeof mergeLayers>) => m.current.map((f) => f.path).sort();

test('later layers replace files; whiteouts remove them', () => {
  const m = mergeLayers([
    layer({ 'app/a': pkgs('a@1'), 'app/b': pkgs('b@1') }),
    layer({ 'app/a': pkgs('a@2') }, { whiteouts: ['app/b'] }),
  ]);
  assert.deepEqual(paths(m), ['app/a']);
  assert.equal(m.current[0]!.history.length, 2);
  assert.deepEqual(
    m.removed.map((f) => f.path),
    ['app/b'],
  );
});

test('a whiteout of a directory removes everything below it', () => {
  const m = mergeLayers([
    layer({ 'srv/lib/x.jar': pkgs('x@1'), 'srv/libx/y': pkgs('y@1') }),
    layer({}, { whiteouts: ['srv/lib'] }),
  ]);
  assert.deepEqual(paths(m), ['srv/libx/y']);
});

test('an opaque dir hides lower layers only, not its own layer', () => {
  const m = mergeLayers([
    layer({ 'cache/old': pkgs('o@1'), 'cache2/keep': pkgs('k@1') }),
    layer({ 'cache/new': pkgs('n@1') }, { opaqueDirs: ['cache'] }),
  ]);
  assert.deepEqual(paths(m), ['cache/new', 'cache2/keep']);
});

test('a symlink replacing a directory hides what was below it', () => {
  const m = mergeLayers([
    layer({ 'var/lib/dpkg/status': pkgs('a@1') }),
    layer({}, { symlinks: { 'var/lib/dpkg': '/opt/dpkg' } }),
  ]);
  assert.deepEqual(paths(m), []);
  assert.equal(m.symlinks.get('var/lib/dpkg'), '/opt/dpkg');
});

test('a package is attributed to the lowest layer of its unbroken run', () => {
  const m = mergeLayers([
    layer({ s: pkgs('base@1', 'up@1') }),
    layer({ s: pkgs('base@1', 'up@2', 'new@1') }),
    layer({ x: pkgs('other@1') }),
    layer({ s: pkgs('base@1', 'up@2', 'new@1', 'late@1') }),
  ]);
  const s = m.current.find((f) => f.path === 's')!;
  const has = (name: string, version: string) => (o: AnalyzerOutput | undefined) =>
    o?.packageSets?.[0]?.packages.some((p) => p.name === name && p.version === version) ?? false;
  assert.equal(introducingLayer(s, has('base', '1')), 0);
  assert.equal(introducingLayer(s, has('up', '2')), 1);
  assert.equal(introducingLayer(s, has('new', '1')), 1);
  assert.equal(introducingLayer(s, has('late', '1')), 3);
});

test('a package removed then reinstalled belongs to the reinstalling layer', () => {
  const m = mergeLayers([layer({ s: pkgs('a@1') }), layer({ s: pkgs() }), layer({ s: pkgs('a@1') })]);
  const has = (o: AnalyzerOutput | undefined) => o?.packageSets?.[0]?.packages.some((p) => p.name === 'a') ?? false;
  assert.equal(introducingLayer(m.current[0]!, has), 2);
});
