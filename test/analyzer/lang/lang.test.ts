/** Language analyzers on files made by the real tools (fixtures/lang/SOURCE.md). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { goBinaryAnalyzer } from '../../../src/analyzer/lang/go/binary.js';
import { jarAnalyzer } from '../../../src/analyzer/lang/java/jar.js';
import { pomCoordinates } from '../../../src/analyzer/lang/java/pom.js';
import { npmLockAnalyzer } from '../../../src/analyzer/lang/npm/package-lock.js';
import { npmPackageJsonAnalyzer } from '../../../src/analyzer/lang/npm/package-json.js';
import { pythonMetadataAnalyzer } from '../../../src/analyzer/lang/python/metadata.js';
import { pythonRequirementsAnalyzer } from '../../../src/analyzer/lang/python/requirements.js';
import { gemfileLockAnalyzer } from '../../../src/analyzer/lang/ruby/gemfile-lock.js';
import { gemspecAnalyzer } from '../../../src/analyzer/lang/ruby/gemspec.js';
import type { Analyzer } from '../../../src/analyzer/types.js';
import type { Package } from '../../../src/model/package.js';
import { fixture } from '../../support/paths.js';

async function run(
  a: Analyzer,
  path: string,
  content: Buffer,
  mode = 0o644,
): Promise<{ pkgs: Package[]; warnings: string[] }> {
  const warnings: string[] = [];
  assert.equal(a.required(path, { path, size: content.length, mode }), true, `${a.name} wants ${path}`);
  const out = await a.analyze({ path, size: content.length, mode, content }, { warn: (m) => warnings.push(m) });
  return { pkgs: out?.packageSets?.flatMap((s) => s.packages) ?? [], warnings };
}
const read = (...p: string[]) => readFileSync(fixture('lang', ...p));
const nv = (ps: Package[]) => ps.map((p) => `${p.name}@${p.version}`).sort();

test('npm: installed package.json files are packages; files deeper in a package are not', async () => {
  const { pkgs } = await run(
    npmPackageJsonAnalyzer,
    'app/node_modules/express/package.json',
    read('npm', 'express-package.json'),
  );
  assert.deepEqual(nv(pkgs), ['express@4.16.0']);
  assert.equal(pkgs[0]!.purl, 'pkg:npm/express@4.16.0');
  assert.deepEqual(pkgs[0]!.licenses, ['MIT']);
  const nested = await run(
    npmPackageJsonAnalyzer,
    'app/node_modules/express/node_modules/debug/package.json',
    read('npm', 'nested-debug-package.json'),
  );
  assert.equal(nested.pkgs[0]!.name, 'debug');
  const no = (p: string) =>
    assert.equal(npmPackageJsonAnalyzer.required(p, { path: p, size: 10, mode: 0o644 }), false, p);
  no('app/package.json');
  no('app/node_modules/x/lib/package.json');
  no('app/node_modules/x/test/fixtures/y/package.json');
  assert.equal(
    npmPackageJsonAnalyzer.required('app/node_modules/@scope/pkg/package.json', { path: '', size: 1, mode: 0 }),
    true,
  );
  assert.equal(
    npmPackageJsonAnalyzer.required('usr/share/nodejs/debug/package.json', { path: '', size: 1, mode: 0 }),
    true,
  );
  const broken = await run(npmPackageJsonAnalyzer, 'node_modules/x/package.json', Buffer.from('{"name": "x", '));
  assert.deepEqual(broken.pkgs, []);
  assert.match(broken.warnings[0]!, /not valid JSON/);
});

test('npm: package-lock v3 lists every entry, dev-only ones marked', async () => {
  const { pkgs } = await run(npmLockAnalyzer, 'app/package-lock.json', read('npm', 'package-lock-v3.json'));
  assert.equal(pkgs.length, 101); // 108 entries, 7 of them repeat a name@version at another path
  const dev = pkgs.filter((p) => p.dev);
  assert.equal(dev.length, 22); // 23 dev entries; debug@2.6.9 is also a production dependency
  assert.ok(dev.some((p) => p.name === 'mocha' && p.version === '5.2.0'));
  assert.ok(pkgs.every((p) => p.origin === 'lockfile' && p.type === 'npm'));
  assert.equal(npmLockAnalyzer.required('app/node_modules/x/package-lock.json', { path: '', size: 1, mode: 0 }), false);
});

test('npm: package-lock v1 (npm 6)', async () => {
  const { pkgs } = await run(npmLockAnalyzer, 'package-lock.json', read('npm', 'package-lock-v1.json'));
  assert.deepEqual(pkgs.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}`).sort(), [
    'is-number@7.0.0 dev',
    'ms@2.1.3',
  ]);
});

test('python: dist-info METADATA, egg-info PKG-INFO, names normalised in purls', async () => {
  const pip = await run(
    pythonMetadataAnalyzer,
    'opt/venv/lib/python3.11/site-packages/pip-23.2.1.dist-info/METADATA',
    read('python', 'pip.METADATA'),
  );
  assert.deepEqual(nv(pip.pkgs), ['pip@23.2.1']);
  assert.deepEqual(pip.pkgs[0]!.licenses, ['MIT']);
  const yaml = await run(
    pythonMetadataAnalyzer,
    'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA',
    read('python', 'PyYAML.METADATA'),
  );
  assert.equal(yaml.pkgs[0]!.purl, 'pkg:pypi/pyyaml@6.0');
  const six = await run(
    pythonMetadataAnalyzer,
    'usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO',
    read('python', 'six-1.16.0.egg-info', 'PKG-INFO'),
  );
  assert.deepEqual(nv(six.pkgs), ['six@1.16.0']);
  const bad = await run(
    pythonMetadataAnalyzer,
    'x.dist-info/METADATA',
    Buffer.from('Metadata-Version: 2.1\nSummary: no name\n'),
  );
  assert.deepEqual(bad.pkgs, []);
  assert.match(bad.warnings[0]!, /no Name or Version/);
});

test('python: requirements pins are lockfile entries; ranges are reported, not guessed', async () => {
  const freeze = await run(
    pythonRequirementsAnalyzer,
    'srv/requirements.txt',
    read('python', 'requirements-freeze.txt'),
  );
  assert.deepEqual(nv(freeze.pkgs), ['pip@23.2.1', 'setuptools@65.5.0']);
  assert.ok(freeze.pkgs.every((p) => p.origin === 'lockfile'));
  const mixed = await run(
    pythonRequirementsAnalyzer,
    'requirements-dev.txt',
    Buffer.from(
      '# tools\nDjango==2.2.0 --hash=sha256:abc\nrequests>=2.0\n-r base.txt\nflask[async]==2.0.1 ; python_version > "3.6"\n',
    ),
  );
  assert.deepEqual(nv(mixed.pkgs), ['Django@2.2.0', 'flask@2.0.1']);
  assert.match(mixed.warnings[0]!, /1 requirement\(s\) without an exact == pin not reported: requests/);
});

test('go: build info of a real binary equals `go version -m`', async () => {
  const { pkgs } = await run(goBinaryAnalyzer, 'usr/local/bin/fixture', read('go', 'fixture-bin'), 0o755);
  const expected = readFileSync(fixture('lang', 'go', 'fixture-bin.go-version-m.txt'), 'utf8');
  assert.match(expected, /=>\texample\.com\/dep\tv1\.2\.4-0\.20240101000000-abcdefabcdef/);
  assert.deepEqual(nv(pkgs), [
    'example.com/dep@v1.2.4-0.20240101000000-abcdefabcdef',
    'example.com/fixture@(devel)',
    'stdlib@1.19.8',
  ]);
  assert.equal(
    pkgs.find((p) => p.name === 'example.com/dep')!.purl,
    'pkg:golang/example.com/dep@v1.2.4-0.20240101000000-abcdefabcdef',
  );
  assert.equal(goBinaryAnalyzer.required('usr/bin/x', { path: '', size: 5000, mode: 0o644 }), false, 'not executable');
  const broken = Buffer.from(read('go', 'fixture-bin'));
  const at = broken.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
  broken.fill(0xff, at + 32, at + 48); // a varint that never ends
  const b = await run(goBinaryAnalyzer, 'usr/bin/broken', broken, 0o755);
  assert.deepEqual(b.pkgs, []);
  assert.match(b.warnings[0]!, /Go build info unreadable/);
});

test('java: a fat jar yields its own pom, each nested jar with its nested path, and how each was identified', async () => {
  const { pkgs } = await run(jarAnalyzer, 'srv/app.jar', read('java', 'fat-app.jar'));
  const rows = pkgs.map((p) => `${p.name}@${p.version} ${p.filePath} ${p.identifiedBy ?? 'pom'}`).sort();
  assert.deepEqual(rows, [
    'com.example:fat@0.1.0 srv/app.jar pom',
    'commons-thing@3.2 srv/app.jar!/BOOT-INF/lib/commons-thing-3.2.jar file-name',
    'org.example:lib@1.0.0 srv/app.jar!/BOOT-INF/lib/lib-1.0.0.jar pom',
    'org.mf:mfonly@2.5.1 srv/app.jar!/BOOT-INF/lib/mfonly.jar manifest',
  ]);
  assert.equal(pkgs.find((p) => p.name === 'org.example:lib')!.purl, 'pkg:maven/org.example/lib@1.0.0');
  const notZip = await run(jarAnalyzer, 'x.jar', Buffer.from('not a zip at all'));
  assert.deepEqual(notZip.pkgs, []);
  assert.match(notZip.warnings[0]!, /x\.jar: not a readable zip archive/);
});

test('ruby: installed gemspecs (bundled and default gems) and Gemfile.lock', async () => {
  const rake = await run(
    gemspecAnalyzer,
    'usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec',
    read('ruby', 'rake-13.0.6.gemspec'),
  );
  assert.deepEqual(nv(rake.pkgs), ['rake@13.0.6']);
  assert.deepEqual(rake.pkgs[0]!.licenses, ['MIT']);
  const json = await run(
    gemspecAnalyzer,
    'usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec',
    read('ruby', 'json-2.6.1.gemspec'),
  );
  assert.deepEqual(nv(json.pkgs), ['json@2.6.1']);
  const lock = await run(gemfileLockAnalyzer, 'srv/app/Gemfile.lock', read('ruby', 'Gemfile.lock'));
  assert.deepEqual(nv(lock.pkgs), ['json@2.6.1', 'rake@13.0.6']);
  assert.ok(lock.pkgs.every((p) => p.origin === 'lockfile' && p.purl.startsWith('pkg:gem/')));
});

test('npm: yarn.lock classic and berry, pnpm-lock 5.4, 6.0 and 9.0, as the tools wrote them', async () => {
  const { yarnLockAnalyzer } = await import('../../../src/analyzer/lang/npm/yarn-lock.js');
  const { pnpmLockAnalyzer } = await import('../../../src/analyzer/lang/npm/pnpm-lock.js');
  const want = ['@types/semver@7.5.0', 'is-number@7.0.0', 'ms@2.1.3'];
  for (const f of ['yarn-v1.lock', 'yarn-berry.lock']) {
    const { pkgs } = await run(yarnLockAnalyzer, 'app/yarn.lock', read('npm', f));
    assert.deepEqual(nv(pkgs), want, f);
    assert.equal(pkgs.find((p) => p.name === '@types/semver')!.purl, 'pkg:npm/%40types/semver@7.5.0');
  }
  for (const f of ['pnpm-lock-v7.yaml', 'pnpm-lock-v8.yaml', 'pnpm-lock-v9.yaml']) {
    const { pkgs } = await run(pnpmLockAnalyzer, 'app/pnpm-lock.yaml', read('npm', f));
    assert.deepEqual(nv(pkgs), want, f);
    assert.deepEqual(
      pkgs.filter((p) => p.dev).map((p) => p.name),
      ['is-number'],
      `${f}: devDependencies are dev`,
    );
  }
  const broken = await run(pnpmLockAnalyzer, 'pnpm-lock.yaml', Buffer.from('packages: [unclosed'));
  assert.match(broken.warnings[0]!, /not valid YAML/);
});

test('rust: Cargo.lock v4 from cargo lists registry crates, not the workspace crate', async () => {
  const { cargoLockAnalyzer } = await import('../../../src/analyzer/lang/rust/cargo-lock.js');
  const { pkgs } = await run(cargoLockAnalyzer, 'src/app/Cargo.lock', read('rust', 'Cargo.lock'));
  assert.deepEqual(nv(pkgs), ['cfg-if@1.0.0', 'itoa@1.0.1']);
  assert.equal(pkgs[0]!.purl, 'pkg:cargo/cfg-if@1.0.0');
});

test('php: Composer installed.json and composer.lock, dev packages marked', async () => {
  const { composerInstalledAnalyzer, composerLockAnalyzer } =
    await import('../../../src/analyzer/lang/php/composer.js');
  const inst = await run(
    composerInstalledAnalyzer,
    'var/www/vendor/composer/installed.json',
    read('php', 'installed.json'),
  );
  assert.deepEqual(inst.pkgs.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}`).sort(), [
    'acme/devtool@0.3.0 dev',
    'acme/util@1.4.2',
  ]);
  assert.equal(inst.pkgs.find((p) => p.name === 'acme/util')!.purl, 'pkg:composer/acme/util@1.4.2');
  const lock = await run(composerLockAnalyzer, 'var/www/composer.lock', read('php', 'composer.lock'));
  assert.deepEqual(lock.pkgs.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}`).sort(), [
    'acme/devtool@0.3.0 dev',
    'acme/util@1.4.2',
  ]);
  assert.deepEqual(lock.pkgs.find((p) => p.name === 'acme/util')!.licenses, ['MIT']);
});

test('python: poetry.lock from Poetry, dev category marked', async () => {
  const { poetryLockAnalyzer } = await import('../../../src/analyzer/lang/python/poetry-lock.js');
  const { pkgs } = await run(poetryLockAnalyzer, 'srv/app/poetry.lock', read('python', 'poetry.lock'));
  assert.deepEqual(pkgs.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}`).sort(), [
    'devdep@2.0.0 dev',
    'localdep@0.3.1',
  ]);
  const bad = await run(poetryLockAnalyzer, 'poetry.lock', Buffer.from('[[package]\nname = '));
  assert.match(bad.warnings[0]!, /not valid TOML/);
});

test('python: Pipfile.lock from pipenv, develop entries marked dev', async () => {
  const { pipfileLockAnalyzer } = await import('../../../src/analyzer/lang/python/pipfile-lock.js');
  const { pkgs } = await run(pipfileLockAnalyzer, 'srv/app/Pipfile.lock', read('python', 'Pipfile.lock'));
  assert.deepEqual(pkgs.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}`).sort(), [
    'pip@23.0.1 dev',
    'setuptools@66.1.1',
    'wheel@0.38.4',
  ]);
  assert.ok(pkgs.every((p) => p.origin === 'lockfile' && p.purl === `pkg:pypi/${p.name}@${p.version}`));
  const vcs = await run(
    pipfileLockAnalyzer,
    'Pipfile.lock',
    Buffer.from(JSON.stringify({ default: { mylib: { git: 'https://example.invalid/mylib.git', ref: 'abc' } } })),
  );
  assert.deepEqual(vcs.pkgs, []);
  assert.match(vcs.warnings[0]!, /mylib: no pinned version/);
  assert.equal(
    pipfileLockAnalyzer.required('usr/lib/python3/dist-packages/x/Pipfile.lock', { path: '', size: 0, mode: 0 }),
    false,
  );
});

test('go: go.mod requires with replacements (the go.mod the fixture binary was built from)', async () => {
  const { goModAnalyzer } = await import('../../../src/analyzer/lang/go/gomod.js');
  const { pkgs } = await run(goModAnalyzer, 'src/app/go.mod', read('go', 'go.mod'));
  assert.deepEqual(nv(pkgs), ['example.com/dep@v1.2.4-0.20240101000000-abcdefabcdef']);
  const block = await run(
    goModAnalyzer,
    'go.mod',
    Buffer.from(
      'module x\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/net v0.7.0 // indirect\n\tgithub.com/a/b v1.0.0\n)\n',
    ),
  );
  assert.deepEqual(nv(block.pkgs), ['github.com/a/b@v1.0.0', 'golang.org/x/net@v0.7.0']);
});

test('.NET: deps.json packages (not projects), packages.lock.json resolved versions, packages.config with dev flag', async () => {
  const { depsJsonAnalyzer, nugetLockAnalyzer, packagesConfigAnalyzer } =
    await import('../../../src/analyzer/lang/dotnet/dotnet.js');
  const deps = await run(depsJsonAnalyzer, 'app/App.deps.json', read('dotnet', 'app.deps.json'));
  assert.deepEqual(nv(deps.pkgs), ['Newtonsoft.Json@13.0.1', 'Serilog@2.12.0']);
  assert.equal(deps.pkgs[0]!.purl, 'pkg:nuget/Newtonsoft.Json@13.0.1');
  const lock = await run(nugetLockAnalyzer, 'src/packages.lock.json', read('dotnet', 'packages.lock.json'));
  assert.deepEqual(nv(lock.pkgs), ['Microsoft.Extensions.Primitives@8.0.0', 'Newtonsoft.Json@13.0.1']);
  const cfg = await run(packagesConfigAnalyzer, 'src/packages.config', read('dotnet', 'packages.config'));
  assert.deepEqual(cfg.pkgs.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}`).sort(), [
    'Microsoft.CodeDom.Providers.DotNetCompilerPlatform@1.0.0 dev',
    'NLog@4.3.10',
    'jQuery@3.1.1',
  ]);
  const bad = await run(depsJsonAnalyzer, 'x.deps.json', Buffer.from('{"libraries": '));
  assert.match(bad.warnings[0]!, /not valid JSON/);
});

test('java: the group comes from Maven metadata in the archive (pom.properties, else pom.xml), nested jars too; an OSGi bundle name is no group, so no purl', async () => {
  const coords = async (file: string) =>
    (await run(jarAnalyzer, `usr/share/java/${file}`, read('java', file))).pkgs.map(
      (p) => `${p.name}@${p.version} ${p.purl || '(no purl)'} ${p.identifiedBy ?? 'pom'}`,
    );
  assert.deepEqual(await coords('slf4j-jdk14.jar'), [
    'org.slf4j:slf4j-jdk14@1.7.32 pkg:maven/org.slf4j/slf4j-jdk14@1.7.32 pom',
  ]);
  assert.deepEqual(await coords('slf4j-jdk14-pom-xml-only.jar'), [
    'org.slf4j:slf4j-jdk14@1.7.32 pkg:maven/org.slf4j/slf4j-jdk14@1.7.32 pom',
  ]);
  assert.deepEqual(await coords('log4j-1.2-1.2.17-manifest-only.jar'), ['org.apache.log4j@1.2.17 (no purl) manifest']);
  const nested = (await run(jarAnalyzer, 'srv/app.jar', read('java', 'nested-slf4j.jar'))).pkgs
    .map((p) => `${p.filePath} ${p.purl || '(no purl)'}`)
    .sort();
  assert.deepEqual(nested, [
    'srv/app.jar!/BOOT-INF/lib/log4j-1.2-1.2.17.jar (no purl)',
    'srv/app.jar!/BOOT-INF/lib/slf4j-jdk14.jar pkg:maven/org.slf4j/slf4j-jdk14@1.7.32',
  ]);
});

test("pom.xml coordinates: the project's own, the parent's group and version when it leaves them out, never a dependency's or a ${property}", () => {
  const pom = (body: string) =>
    pomCoordinates(
      `<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0"><!-- <groupId>no</groupId> -->${body}</project>`,
    );
  assert.deepEqual(
    pom(
      '<parent><groupId>org.p</groupId><artifactId>parent</artifactId><version>2.0</version></parent><artifactId>child</artifactId><dependencies><dependency><groupId>dep</groupId><artifactId>d</artifactId><version>9</version></dependency></dependencies>',
    ),
    { groupId: 'org.p', artifactId: 'child', version: '2.0' },
  );
  assert.deepEqual(pom('<groupId>g</groupId><artifactId>a</artifactId><version>${revision}</version>'), {
    groupId: 'g',
    artifactId: 'a',
  });
  assert.deepEqual(pomCoordinates('<project><groupId>unterminated'), {});
});
