/**
 * Every analyzer on worst-case input: a file of its own name holding 1 MiB
 * of newlines, of spaces, of one word character, of a key-like token
 * repeated, and of unterminated quotes and brackets. A regex whose
 * quantifiers overlap (`^\s*` under the m flag, nested repeats) turns such
 * input quadratic or worse, and a timer cannot stop a synchronous regex,
 * so the CPU time of each must grow in step with the input: four times the
 * input may take at most about four times as long (eight, with room for
 * noise, and half a second for a collection pause), where a quadratic pattern takes sixteen. (The secret rules have
 * their own, finer test: secret-rules-linear.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzersFor } from '../../src/analyzer/registry.js';
import type { Analyzer } from '../../src/analyzer/types.js';

/** Image paths of the files analyzers read; each analyzer is tried on those it requires. */
const PATHS = [
  'var/lib/dpkg/status',
  'var/lib/dpkg/status.d/base',
  'var/lib/dpkg/info/base.list',
  'usr/share/doc/base/copyright',
  'lib/apk/db/installed',
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'etc/debian_version',
  'app/package.json',
  'app/package-lock.json',
  'app/yarn.lock',
  'app/pnpm-lock.yaml',
  'usr/lib/python3/dist-packages/pkg-1.0.dist-info/METADATA',
  'usr/lib/python3/dist-packages/pkg-1.0.egg-info/PKG-INFO',
  'app/requirements.txt',
  'app/poetry.lock',
  'app/Pipfile.lock',
  'app/pyproject.toml',
  'app/go.mod',
  'usr/local/bundle/specifications/pkg-1.0.gemspec',
  'app/Gemfile.lock',
  'app/Gemfile',
  'app/Cargo.lock',
  'app/Cargo.toml',
  'app/composer.lock',
  'app/composer.json',
  'app/vendor/composer/installed.json',
  'app/app.deps.json',
  'app/packages.lock.json',
  'app/packages.config',
  'app/app.csproj',
  'app/pom.xml',
];

const MiB = 1024 * 1024;
/** Each input, `n` bytes long. */
const INPUTS: Record<string, (n: number) => Buffer> = {
  newlines: (n) => Buffer.alloc(n, '\n'),
  spaces: (n) => Buffer.alloc(n, ' '),
  'one word character': (n) => Buffer.alloc(n, 'a'),
  'key-like tokens': (n) => Buffer.from('s.version = ' + 'Package: Version: name= "'.repeat(n / 26)),
  'open quotes and brackets': (n) => Buffer.from('{"a": ["' + '[{"\'<'.repeat(n / 5)),
  'lines of blanks between keys': (n) => Buffer.from('x.license =\n \t\n'.repeat(n / 16)),
};

function cpuMs(f: () => unknown): Promise<number> {
  const t0 = process.cpuUsage();
  return Promise.resolve()
    .then(f)
    .catch(() => undefined) // garbage may be refused; only the time matters here
    .then(() => {
      const d = process.cpuUsage(t0);
      return (d.user + d.system) / 1000;
    });
}

const analyzers: Analyzer[] = analyzersFor(['vuln', 'license']);

for (const a of analyzers) {
  const paths = PATHS.filter((p) => a.required(p, { path: p, size: MiB, mode: 0o644 }));
  if (!paths.length) continue;
  test(`analyzer ${a.name} stays linear on worst-case input (${paths[0]})`, async () => {
    const time = (content: Buffer): Promise<number> =>
      cpuMs(() => a.analyze({ path: paths[0]!, size: content.length, mode: 0o644, content }, { warn: () => {} }));
    for (const [name, make] of Object.entries(INPUTS)) {
      const large = Math.min(MiB, a.maxFileSize);
      const small = await time(make(large / 4));
      const big = await time(make(large));
      assert.ok(
        big < 8 * small + 500,
        `${a.name} on ${name}: ${small.toFixed(0)} ms for ${large / 4} bytes, ${big.toFixed(0)} ms for ${large}`,
      );
      assert.ok(big < 10_000, `${a.name} on ${large} bytes of ${name}: ${big.toFixed(0)} ms of CPU`);
    }
  });
}
