/**
 * Enrichment of findings from the real shared data (../shared/osv, and
 * CISA's KEV catalog in ../shared/kev, both built into the test database by
 * test/support/db.ts): severity from another record of the same CVE when
 * the advisory has none (Go's advisories carry no CVSS), titles for
 * Debian's summary-less records, KEV and the ecosystems the data cannot
 * speak for. Packages are written as the analyzers write them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { OSInfo } from '../../../src/model/os.js';
import type { Package } from '../../../src/model/package.js';
import { uncheckedPackages } from '../../../src/detect/vuln/coverage.js';
import { matchVulnerabilities } from '../../../src/detect/vuln/matcher.js';
import { openDb } from '../../../src/vulndb/update.js';
import { ensureDb, kevFile } from '../../support/db.js';

const db = ensureDb();
const skip = 'skip' in db ? db.skip : false;
const cacheDir = 'skip' in db ? '' : db.cacheDir;

const go = (name: string, version: string): Package => ({
  name,
  version,
  purl: `pkg:golang/${name}@${version}`,
  ecosystem: 'go',
  type: 'gobinary',
  filePath: 'app/server',
  origin: 'installed',
});
const deb = (name: string, srcName: string, version: string): Package => ({
  name,
  srcName,
  version,
  purl: `pkg:deb/debian/${name}@${version}?distro=debian-11`,
  ecosystem: 'deb',
  type: 'debian',
  filePath: 'var/lib/dpkg/status',
  origin: 'installed',
});
const bullseye: OSInfo = { family: 'debian', name: '11.8', versionId: '11' };
const CVE = /^CVE-\d{4}-\d{4,}$/;

test(
  'Go findings take the CVSS of the same CVE from another record, naming it; UNKNOWN only where nothing scores the CVE',
  { skip },
  () => {
    const vdb = openDb(cacheDir);
    try {
      // A Go 1.16.0 toolchain: the Go database rates none of its ~130 advisories; Debian's records of the same CVEs score many.
      const { vulnerabilities } = matchVulnerabilities(vdb, [go('stdlib', '1.16.0')], undefined, {
        matchOsOwned: false,
      });
      assert.ok(vulnerabilities.length > 100, `${vulnerabilities.length} findings`);
      const unknown = vulnerabilities.filter((v) => v.severity === 'UNKNOWN');
      const borrowed = vulnerabilities.filter((v) => v.severity !== 'UNKNOWN');
      assert.ok(borrowed.length >= 40, `${borrowed.length} scored, ${unknown.length} UNKNOWN`);
      for (const v of borrowed) {
        assert.notEqual(v.severitySource, 'go-vulndb', `${v.id}: Go's records carry no CVSS`);
        assert.ok(v.severitySource, `${v.id} names where its severity came from`);
        if (v.severitySource !== 'cve-cvss3')
          assert.ok(
            v.cvss.some((c) => c.source === v.severitySource),
            `${v.id}: the vector of ${v.severitySource} is in CVSS`,
          );
      }
      // Every finding left UNKNOWN is one that no record in the database scores.
      for (const v of unknown) {
        for (const cve of v.aliases.filter((a) => CVE.test(a))) {
          const facts = vdb.cveFacts(cve).filter((f) => f.cvss?.length || f.score !== undefined);
          assert.deepEqual(
            facts.map((f) => f.advisoryId),
            [],
            `${v.id} (${cve}) is scored by another record`,
          );
          assert.equal(vdb.cveCvss(cve), undefined, `${cve} is in the CVE → CVSS file`);
        }
      }
    } finally {
      vdb.close();
    }
  },
);

test(
  "a Go finding whose CVE is in CISA's catalog carries its KEV entry (crypto/x509 spoofing, CVE-2020-0601)",
  { skip },
  () => {
    const catalog = (
      JSON.parse(readFileSync(kevFile, 'utf8')) as {
        vulnerabilities: {
          cveID: string;
          dateAdded: string;
          dueDate: string;
          knownRansomwareCampaignUse: string;
          requiredAction: string;
        }[];
      }
    ).vulnerabilities;
    const entry = catalog.find((e) => e.cveID === 'CVE-2020-0601')!;
    const vdb = openDb(cacheDir);
    try {
      // GO-2022-0535 names CVE-2020-0601 as an alias; Go 1.12.0 is before its fix (1.12.16).
      const { vulnerabilities } = matchVulnerabilities(
        vdb,
        [go('stdlib', '1.12.0'), go('golang.org/x/net', 'v0.7.0')],
        undefined,
        { matchOsOwned: false },
      );
      const rapid = vulnerabilities.find((v) => v.aliases.includes('CVE-2020-0601'));
      assert.ok(rapid, 'Go 1.12.0 is affected by CVE-2020-0601');
      assert.deepEqual(rapid.kev, {
        dateAdded: entry.dateAdded,
        knownRansomwareCampaignUse: entry.knownRansomwareCampaignUse,
        requiredAction: entry.requiredAction,
        dueDate: entry.dueDate,
      });
      const listed = new Set(catalog.map((e) => e.cveID));
      for (const v of vulnerabilities)
        assert.equal(
          !!v.kev,
          v.aliases.some((a) => listed.has(a)),
          `${v.id}: KEV exactly when an alias is in the catalog`,
        );
    } finally {
      vdb.close();
    }
  },
);

test(
  'Debian findings are titled with the first sentence of their description; the tracker page stays in References',
  { skip },
  () => {
    const vdb = openDb(cacheDir);
    try {
      // bullseye's log4j 2.13.3: Log4Shell and its siblings, from DEBIAN-CVE-* records (no summary).
      const { vulnerabilities } = matchVulnerabilities(
        vdb,
        [deb('liblog4j2-java', 'apache-log4j2', '2.13.3-1')],
        bullseye,
        { matchOsOwned: false },
      );
      const log4shell = vulnerabilities.find((v) => v.id === 'CVE-2021-44228');
      assert.ok(log4shell, 'CVE-2021-44228 found');
      assert.equal(log4shell.kev?.dateAdded, '2021-12-10');
      assert.equal(log4shell.kev?.knownRansomwareCampaignUse, 'Known');
      for (const v of vulnerabilities.filter((x) => x.matchedBy.some((m) => m.advisoryId.startsWith('DEBIAN-CVE-')))) {
        assert.ok(v.title && v.title.length <= 201, `${v.id} has a title`);
        assert.doesNotMatch(v.title, /^https?:/, `${v.id}: the title is text, not the tracker URL`);
        assert.ok(
          v.description?.startsWith(v.title.replace(/…$/, '')),
          `${v.id}: the title is where the description starts`,
        );
        assert.ok(
          v.references.includes(`https://security-tracker.debian.org/tracker/${v.id}`),
          `${v.id}: tracker page in References`,
        );
      }
      assert.match(log4shell.title!, /^Apache Log4j2 2\.0-beta9 through 2\.15\.0 /);
    } finally {
      vdb.close();
    }
  },
);

test(
  'packages of an ecosystem the database has no advisories for are counted per ecosystem, the others not',
  { skip },
  () => {
    const vdb = openDb(cacheDir);
    try {
      const jar = (name: string): Package => ({
        name,
        version: '1.0',
        purl: `pkg:maven/org.example/${name}@1.0`,
        ecosystem: 'maven',
        type: 'jar',
        filePath: `app/${name}.jar`,
        origin: 'installed',
      });
      const unchecked = uncheckedPackages(
        vdb,
        [jar('a'), jar('b'), go('stdlib', '1.20.0'), deb('bash', 'bash', '5.1-2')],
        bullseye,
        false,
      );
      assert.deepEqual(unchecked, [
        { ecosystem: 'Maven', packages: 2, reason: 'no advisories for Maven in this database' },
      ]);
      const forky = uncheckedPackages(
        vdb,
        [deb('bash', 'bash', '5.2-1')],
        { family: 'debian', name: '14', versionId: '14' },
        false,
      );
      assert.deepEqual(forky, [
        { ecosystem: 'Debian:14', packages: 1, reason: 'no advisories for Debian:14 in this database' },
      ]);
    } finally {
      vdb.close();
    }
  },
);
