/**
 * The CLI as shipped (the CI templates: test/cli/ci-templates.test.ts):
 * templates render over the JSON report; bin/customs runs both as a command (its sh launcher, with the
 * memory settings and the bundle's code cache) and as `node bin/customs`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderTemplate } from '../../src/report/format/template.js';
import type { Report } from '../../src/model/report.js';
import { cliPath, repoRoot } from '../support/paths.js';

test('bin/customs runs as a command through its launcher, and under node', () => {
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const env = { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env['PATH'] ?? ''}` };
  assert.equal(execFileSync(cliPath, ['--version'], { encoding: 'utf8', env }).trim(), version);
  // sh -x shows what the launcher executes: node with the young-generation and gc flags and the glibc setting.
  const trace = execFileSync('sh', ['-x', cliPath, '--version'], {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(trace.trim(), version);
  const shown = execFileSync('sh', ['-c', `sh -x "${cliPath}" --version 2>&1 >/dev/null`], { encoding: 'utf8', env });
  assert.match(shown, /export MALLOC_MMAP_THRESHOLD_=262144\n.*exec node --max-semi-space-size=2 --expose-gc /s);
  assert.equal(execFileSync(process.execPath, [cliPath, '--version'], { encoding: 'utf8' }).trim(), version);
});

test("the build leaves a code cache that V8 accepts under the launcher's flags", () => {
  const bundle = join(repoRoot, 'dist', 'bundle', 'main.cjs');
  const check = `const vm = require('node:vm'), fs = require('node:fs'), M = require('node:module');
    const s = new vm.Script(M.wrap(fs.readFileSync(${JSON.stringify(bundle)}, 'utf8')), { filename: ${JSON.stringify(bundle)}, cachedData: fs.readFileSync(${JSON.stringify(bundle.replace(/\.cjs$/, '.cache'))}) });
    process.stdout.write(String(s.cachedDataRejected));`;
  assert.equal(
    execFileSync(process.execPath, ['--max-semi-space-size=2', '--expose-gc', '-e', check], { encoding: 'utf8' }),
    'false',
  );
});

test('starting the CLI loads no module only some runs need (HTTP, zlib, child_process, spdx-correct)', () => {
  // (net is left out: the probe's stdout is a pipe, a net.Socket.)
  const probe = `require(${JSON.stringify(join(repoRoot, 'bin', 'load-bundle.cjs'))}).run(['node', 'customs', '--version']).then(() => {
    const loaded = process.moduleLoadList.filter((m) => /^NativeModule (https?|zlib|child_process|tls)$/.test(m));
    const spdx = Object.keys(require.cache).filter((f) => f.includes('spdx-correct'));
    process.stdout.write('\\n' + JSON.stringify({ loaded, spdx }));
  });`;
  const out = execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(
    out[0],
    (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
    'the CLI ran',
  );
  assert.deepEqual(JSON.parse(out.at(-1)!), { loaded: [], spdx: [] });
});

test('templates render over the JSON report; broken ones fail clearly', () => {
  const report: Report = {
    schemaVersion: 2,
    createdAt: '2026-11-24T00:00:00Z',
    artifactName: 'img',
    artifactType: 'container_image',
    metadata: { diffIds: [], repoTags: [], repoDigests: [] },
    warnings: [],
    results: [
      {
        target: 'img (debian 12)',
        class: 'os-pkgs',
        type: 'debian',
        vulnerabilities: [
          {
            id: 'CVE-2024-1',
            aliases: ['CVE-2024-1'],
            pkgName: 'zlib1g',
            pkgId: 'zlib1g@1',
            purl: 'pkg:deb/debian/zlib1g@1',
            installedVersion: '1',
            fixedVersion: '2',
            status: 'fixed',
            severity: 'HIGH',
            severitySource: 'debian',
            cvss: [],
            references: [],
            matchedBy: [{ advisoryId: 'DEBIAN-CVE-2024-1', ecosystem: 'Debian:12', range: '>=0, <2' }],
          },
        ],
      },
    ],
  };
  const out = renderTemplate(
    report,
    '{{#each Results}}{{Target}}|{{#each Vulnerabilities}}{{VulnerabilityID}}>{{FixedVersion}} {{/each}}{{len Vulnerabilities}}{{/each}}',
    false,
  );
  assert.equal(out, 'img (debian 12)|CVE-2024-1>2 1');
  assert.throws(() => renderTemplate(report, '{{#each Results}}', false), /template: /);
  assert.equal(renderTemplate(report, '{{constructor.name}}', false), '', 'no prototype access');
});
