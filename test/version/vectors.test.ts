/** Every comparator against vectors produced by the real tool of its ecosystem (see fixtures/version/SOURCE.md). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { comparatorById } from '../../src/version/index.js';
import { InvalidVersionError } from '../../src/version/types.js';
import { fixture } from '../support/paths.js';

const FILES: Record<string, string> = {
  dpkg: 'dpkg',
  apk: 'apk',
  pep440: 'pep440',
  go: 'go',
  gotoolchain: 'go',
  rubygems: 'rubygems',
  rpm: 'rpm',
  composer: 'composer',
  maven: 'maven',
  semver: 'semver',
  nuget: 'nuget',
};

for (const [file, scheme] of Object.entries(FILES)) {
  test(`${file}: agrees with the real tool on every vector`, () => {
    const c = comparatorById(scheme)!;
    assert.ok(c, `no comparator ${scheme}`);
    const lines = readFileSync(fixture('version', `${file}.tsv`), 'utf8')
      .trim()
      .split('\n');
    assert.ok(lines.length >= 14);
    const wrong: string[] = [];
    for (const line of lines) {
      const [a, b, want] = line.split('\t');
      const got = Math.sign(c.compare(a!, b!));
      const back = Math.sign(c.compare(b!, a!));
      if (got !== Number(want) || back !== -Number(want))
        wrong.push(`${a} vs ${b}: tool ${want}, customs ${got}/${back}`);
    }
    assert.deepEqual(wrong, []);
  });
}

test('comparators refuse what they cannot order instead of comparing strings', () => {
  const cases: [string, string][] = [
    ['dpkg', 'not a version'],
    ['dpkg', '1.0:abc'],
    ['apk', '1.0-rx'],
    ['pep440', 'one.two'],
    ['go', 'latest'],
    ['semver', '1.2.3.4.5'],
    ['rubygems', '1..2'],
    ['nuget', '1.0.0-'],
    ['composer', 'banana'],
  ];
  for (const [scheme, bad] of cases) {
    const c = comparatorById(scheme)!;
    assert.equal(c.isValid(bad), false, `${scheme} accepts ${bad}`);
    assert.throws(() => c.compare(bad, '1.0'), InvalidVersionError, `${scheme}: ${bad}`);
  }
});
