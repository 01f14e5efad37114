/**
 * Matched findings are cached beside the layer facts: a rescan with the same
 * inventory, options and database build reads them back without matching,
 * and any change to those (or a new database build) matches afresh.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Package } from '../../src/model/package.js';
import { FileLayerCache } from '../../src/artifact/layer-cache.js';
import { matchVulnerabilities, type MatchOutput } from '../../src/detect/vuln/matcher.js';
import { cachedMatch, findingsKey } from '../../src/scanner/findings-cache.js';
import type { OsvRecord } from '../../src/vulndb/osv.js';
import { DbWriter, VulnDb } from '../../src/vulndb/store.js';

const work = mkdtempSync(join(tmpdir(), 'customs-findings-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

const record: OsvRecord = {
  id: 'PYSEC-test-1',
  aliases: ['CVE-2024-1111'],
  summary: 'a test advisory',
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'demo' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.0' }] }],
    },
  ],
};

let builds = 0;
function buildDb(): string {
  const path = join(work, `db-${++builds}.db`);
  const w = new DbWriter(path);
  w.transaction(() => w.addRecord('PyPI', record));
  w.finish({
    builtAt: new Date().toISOString(),
    sources: ['test'],
    ecosystems: { PyPI: { records: 1, skipped: 0, withdrawn: 0 } },
    enrichedCves: 0,
  });
  return path;
}

function pkg(version: string, extra: Partial<Package> = {}): Package {
  return {
    name: 'demo',
    version,
    purl: `pkg:pypi/demo@${version}`,
    ecosystem: 'pypi',
    type: 'python-pkg',
    filePath: 'app/demo-1.dist-info/METADATA',
    origin: 'installed',
    ...extra,
  };
}

const opts = { matchOsOwned: false };
const refuse = (): MatchOutput => {
  throw new Error('matched although the findings were cached');
};

test('a rescan with the same inventory and database build reads the findings back, equal to the matched ones', () => {
  const db = new VulnDb(buildDb());
  try {
    const packages = [pkg('1.0.0')];
    const key = findingsKey(db.identity(), packages, undefined, opts);
    const matched = cachedMatch(new FileLayerCache(join(work, 'c1')), key, () =>
      matchVulnerabilities(db, packages, undefined, opts),
    );
    assert.deepEqual(
      matched.vulnerabilities.map((v) => [v.id, v.fixedVersion]),
      [['CVE-2024-1111', '1.2.0']],
    );
    const reread = cachedMatch(new FileLayerCache(join(work, 'c1')), key, refuse);
    assert.deepEqual(reread, JSON.parse(JSON.stringify(matched)));
  } finally {
    db.close();
  }
});

test('another version, other options, another database build or an unreadable entry match afresh', () => {
  const first = new VulnDb(buildDb());
  const second = new VulnDb(buildDb());
  try {
    const packages = [pkg('1.0.0')];
    const key = findingsKey(first.identity(), packages, undefined, opts);
    assert.notEqual(findingsKey(first.identity(), [pkg('1.2.0')], undefined, opts), key);
    assert.notEqual(findingsKey(first.identity(), packages, undefined, { matchOsOwned: true }), key);
    assert.notEqual(findingsKey(first.identity(), packages, { family: 'debian', name: '12.7' }, opts), key);
    assert.notEqual(
      findingsKey(second.identity(), packages, undefined, opts),
      key,
      'a new database build is another key',
    );
    assert.equal(
      findingsKey(first.identity(), [pkg('1.0.0', { dependsOn: ['a', 'b'], licenses: ['MIT'] })], undefined, opts),
      key,
      'fields matching never reads do not change the key',
    );

    const cache = new FileLayerCache(join(work, 'c2'));
    cache.put(key, { vulnerabilities: 'not a list' });
    let matched = 0;
    const out = cachedMatch(cache, key, () => {
      matched++;
      return matchVulnerabilities(first, packages, undefined, opts);
    });
    assert.equal(matched, 1, 'an entry of the wrong shape is not used');
    assert.equal(out.vulnerabilities.length, 1);
    assert.equal(cachedMatch(cache, key, refuse).vulnerabilities.length, 1, 'and is replaced by the fresh findings');
  } finally {
    first.close();
    second.close();
  }
});
