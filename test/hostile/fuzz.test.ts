/**
 * Property-based fuzzing (fast-check) of the parsers strangers feed: tar
 * streams with mutated headers, OSV records of any shape against every
 * comparator, purls, versions and SBOM documents. Each must end in a result
 * or a clear error — never a hang, a TypeError or a crash. CI runs a bounded
 * number of cases; `bench/fuzz.sh` runs many more (CUSTOMS_FUZZ_RUNS).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyzersFor } from '../../src/analyzer/registry.js';
import { parsePurl } from '../../src/model/purl.js';
import { matchAffected } from '../../src/detect/vuln/ranges.js';
import { openTarStream } from '../../src/layer/decompress.js';
import { defaultWalkLimits } from '../../src/layer/limits.js';
import { walkLayer } from '../../src/layer/walk.js';
import { packageFromPurl } from '../../src/source/sbom/purl-package.js';
import { readSbom } from '../../src/source/sbom/read.js';
import { UserError } from '../../src/util/errors.js';
import { comparatorFor } from '../../src/ecosystem/ecosystems.js';
import { InvalidVersionError } from '../../src/version/index.js';
import { invalidReason, type OsvAffected } from '../../src/vulndb/osv.js';
import { alpineRoot, DEBIAN_OS_RELEASE, dpkgParagraph } from './corpus/content.js';
import { rawTar } from './corpus/tar-writer.js';

const RUNS = Number(process.env['CUSTOMS_FUZZ_RUNS'] ?? 150);
const ECOSYSTEMS = [
  'Alpine:v3.20',
  'Debian:12',
  'Red Hat',
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'RubyGems',
  'NuGet',
  'Packagist',
  'crates.io',
];

/** Programming errors, as opposed to the clear errors bad input deserves. */
function isBug(e: unknown): boolean {
  return !(e instanceof Error) || e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError;
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`HANG: ${what} did not end within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

test('fuzz: tar streams with mutated headers end in facts or a clear error', async () => {
  const base = rawTar([
    ...alpineRoot(),
    { name: 'etc/os-release', body: DEBIAN_OS_RELEASE },
    { name: 'var/lib/dpkg/status', body: dpkgParagraph('a', '1.0-1') },
    { name: 'usr/bin/x', type: 'symlink', linkname: '../lib/y' },
  ]);
  const headerOffsets = [0];
  for (let off = 0; off + 512 <= base.length;) {
    const size = parseInt(base.toString('latin1', off + 124, off + 135).replace(/\0.*$/, '') || '0', 8);
    off += 512 + Math.ceil(size / 512) * 512;
    headerOffsets.push(off);
  }
  const analyzers = analyzersFor(['vuln', 'secret', 'license']);
  const mutation = fc.tuple(fc.constantFrom(...headerOffsets), fc.nat(511), fc.integer({ min: 0, max: 255 }));
  await fc.assert(
    fc.asyncProperty(
      fc.array(mutation, { minLength: 1, maxLength: 12 }),
      fc.option(fc.nat(base.length)),
      async (muts, cut) => {
        const b = Buffer.from(base);
        for (const [h, i, v] of muts) if (h + i < b.length) b[h + i] = v;
        const input = cut === null ? b : b.subarray(0, cut);
        try {
          const tar = await openTarStream(Readable.from([input]), defaultWalkLimits, 'fuzz layer');
          const facts = await withDeadline(
            walkLayer(tar, { analyzers, limits: defaultWalkLimits, layerName: 'fuzz layer' }),
            5000,
            'walkLayer',
          );
          const failures = facts.analyzers
            .flatMap((a) => a.files.flatMap((f) => f.warnings ?? []))
            .filter((w) => /analyzer failed: .*(Cannot read|is not a function|undefined)/.test(w));
          assert.deepEqual(failures, [], 'analyzers warn about bad input instead of failing on it');
        } catch (e) {
          assert.ok(!isBug(e) && !/HANG/.test((e as Error).message), `${(e as Error).stack}`);
        }
      },
    ),
    { numRuns: RUNS },
  );
});

const weird = fc.oneof(
  fc.string(),
  fc.constant(''),
  fc.constant('0'),
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.object({ maxDepth: 1 }),
  fc.array(fc.string(), { maxLength: 3 }),
);
const versionish = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,3}([-~+_.a-z]{0,3}[0-9a-z]{0,4}){0,2}$/),
  fc.constant('0'),
);
const event = fc.oneof(
  fc.record({ introduced: versionish }),
  fc.record({ fixed: versionish }),
  fc.record({ last_affected: versionish }),
  fc.record({ limit: versionish }),
  fc.dictionary(fc.constantFrom('introduced', 'fixed', 'last_affected', 'limit', 'x'), weird),
);
const affected = fc.record(
  {
    package: fc.record({ ecosystem: fc.constantFrom(...ECOSYSTEMS), name: fc.string() }),
    ranges: fc.oneof(
      fc.array(
        fc.record({
          type: fc.constantFrom('ECOSYSTEM', 'SEMVER', 'GIT', 'OTHER'),
          events: fc.oneof(fc.array(event, { maxLength: 8 }), weird),
        }),
        { maxLength: 3 },
      ),
      weird,
    ),
    versions: fc.oneof(fc.array(fc.oneof(versionish, weird), { maxLength: 5 }), weird),
  },
  { requiredKeys: ['package'] },
);
const osvRecord = fc.record(
  {
    id: fc.oneof(fc.string({ minLength: 1 }), weird),
    affected: fc.oneof(fc.array(affected, { maxLength: 3 }), weird),
    withdrawn: fc.oneof(fc.constant(undefined), fc.string()),
  },
  { requiredKeys: [] },
);

test('fuzz: OSV records of any shape are refused with a reason or match without crashing', () => {
  fc.assert(
    fc.property(osvRecord, versionish, (rec, version) => {
      const reason = invalidReason(rec);
      if (reason !== undefined) {
        assert.equal(typeof reason, 'string');
        return;
      }
      for (const a of (rec as { affected?: OsvAffected[] }).affected ?? []) {
        const c = comparatorFor((a as unknown as { package: { ecosystem: string } }).package.ecosystem);
        if (!c) continue;
        try {
          matchAffected(version, a, c);
        } catch (e) {
          assert.ok(e instanceof InvalidVersionError, `${(e as Error).stack}`);
        }
      }
    }),
    { numRuns: RUNS * 4 },
  );
});

test('fuzz: every comparator orders any two strings or refuses them, antisymmetrically', () => {
  fc.assert(
    fc.property(fc.constantFrom(...ECOSYSTEMS), versionish, versionish, (eco, a, b) => {
      const c = comparatorFor(eco)!;
      let ab: number, ba: number;
      try {
        ab = c.compare(a, b);
        ba = c.compare(b, a);
      } catch (e) {
        assert.ok(e instanceof InvalidVersionError, `${c.id} ${JSON.stringify([a, b])}: ${(e as Error).stack}`);
        return;
      }
      assert.ok(Number.isFinite(ab) && Number.isFinite(ba));
      assert.equal(Math.sign(ab) + Math.sign(ba), 0, `${c.id}: ${a} vs ${b}`);
      assert.equal(c.compare(a, a), 0);
    }),
    { numRuns: RUNS * 4 },
  );
});

const purlish = fc.oneof(
  fc.string(),
  fc
    .tuple(
      fc.constantFrom(
        'npm',
        'deb',
        'apk',
        'rpm',
        'pypi',
        'golang',
        'maven',
        'gem',
        'cargo',
        'composer',
        'nuget',
        'x',
        '',
      ),
      fc.string(),
      fc.string(),
      fc.string(),
      fc.string(),
    )
    .map(([t, ns, n, v, q]) => `pkg:${t}/${ns}/${n}@${v}?${q}#${n}`),
  fc.webUrl().map((u) => `pkg:${u}`),
);

test('fuzz: purls parse or are refused, never crash', () => {
  fc.assert(
    fc.property(purlish, (purl) => {
      parsePurl(purl);
      packageFromPurl(purl, {}, 'fuzz.json');
    }),
    { numRuns: RUNS * 4 },
  );
});

test('fuzz: SBOM documents of any shape give an inventory or a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-fuzz-sbom-'));
  try {
    const component = fc.record({
      type: fc.oneof(fc.constantFrom('library', 'operating-system', 'application'), weird),
      name: weird,
      version: weird,
      purl: fc.oneof(purlish, weird),
      components: fc.oneof(fc.constant(undefined), weird),
      properties: fc.oneof(fc.array(fc.record({ name: weird, value: weird }), { maxLength: 3 }), weird),
      licenses: weird,
    });
    const doc = fc.oneof(
      fc.record({
        bomFormat: fc.constant('CycloneDX'),
        specVersion: fc.constant('1.6'),
        components: fc.oneof(fc.array(component, { maxLength: 6 }), weird),
        metadata: weird,
      }),
      fc.record({
        spdxVersion: fc.constant('SPDX-2.3'),
        packages: fc.oneof(
          fc.array(
            fc.record({
              name: weird,
              versionInfo: weird,
              externalRefs: fc.oneof(
                fc.array(
                  fc.record({
                    referenceType: fc.constantFrom('purl', 'cpe23Type'),
                    referenceLocator: fc.oneof(purlish, weird),
                  }),
                  { maxLength: 2 },
                ),
                weird,
              ),
              primaryPackagePurpose: weird,
            }),
            { maxLength: 6 },
          ),
          weird,
        ),
      }),
      fc.jsonValue().map((v) => ({ v })),
    );
    let i = 0;
    fc.assert(
      fc.property(doc, (d) => {
        const file = join(dir, `doc-${i++}.json`);
        writeFileSync(file, JSON.stringify(d));
        try {
          readSbom(file);
        } catch (e) {
          assert.ok(e instanceof UserError, `${(e as Error).stack}`);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
