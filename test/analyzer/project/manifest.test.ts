/**
 * Project manifests name the application a project's packages belong to;
 * manifests inside dependency trees or archives are not projects, and a
 * manifest no package belongs to (or one a package was read from) is no
 * application.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectManifestAnalyzer } from '../../../src/analyzer/project/manifest.js';
import { applicationsOf } from '../../../src/artifact/applications.js';
import type { Application, Package } from '../../../src/model/package.js';

async function app(path: string, text: string): Promise<Application | undefined> {
  const content = Buffer.from(text);
  assert.ok(projectManifestAnalyzer.required(path, { path, size: content.length, mode: 0o644 }), path);
  const out = await projectManifestAnalyzer.analyze(
    { path, size: content.length, mode: 0o644, content },
    { warn: () => {} },
  );
  return out?.applications?.[0];
}

test('each manifest kind gives the name, version and purl it states', async () => {
  assert.deepEqual(
    await app('app/package.json', '{"name":"fixture-node-app","version":"1.0.0","dependencies":{"lodash":"4.17.15"}}'),
    {
      name: 'fixture-node-app',
      version: '1.0.0',
      ecosystem: 'npm',
      purl: 'pkg:npm/fixture-node-app@1.0.0',
      filePath: 'app/package.json',
    },
  );
  assert.equal(
    (
      await app(
        'srv/pyproject.toml',
        '[build-system]\nrequires = ["setuptools"]\n\n[project]\nname = "My_Service"\nversion = "0.3.1"\n',
      )
    )?.purl,
    'pkg:pypi/my-service@0.3.1',
  );
  assert.equal(
    (await app('srv/pyproject.toml', '[tool.poetry]\nname = "svc"\nversion = "2.0.0"\n'))?.purl,
    'pkg:pypi/svc@2.0.0',
  );
  assert.equal(
    (
      await app(
        'rs/Cargo.toml',
        '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nitoa = "1"\n',
      )
    )?.purl,
    'pkg:cargo/tool@0.1.0',
  );
  assert.equal(
    (await app('php/composer.json', '{"name":"acme/shop","require":{"monolog/monolog":"^3"}}'))?.purl,
    'pkg:composer/acme/shop',
  );
  assert.equal(
    (
      await app(
        'j/pom.xml',
        '<project><parent><groupId>org.acme</groupId><version>1.2</version></parent><artifactId>svc</artifactId></project>',
      )
    )?.purl,
    'pkg:maven/org.acme/svc@1.2',
  );
  assert.deepEqual(
    await app(
      'net/Api.csproj',
      '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><Version>3.0.0</Version></PropertyGroup></Project>',
    ),
    { name: 'Api', version: '3.0.0', ecosystem: 'nuget', purl: 'pkg:nuget/Api@3.0.0', filePath: 'net/Api.csproj' },
  );
  assert.deepEqual(await app('srv/app/Gemfile', 'source "https://rubygems.org"\ngem "rack"\n'), {
    name: 'app',
    ecosystem: 'rubygems',
    filePath: 'srv/app/Gemfile',
  });
  for (const p of [
    'app/node_modules/x/package.json',
    'srv/vendor/a/b/composer.json',
    'x.jar/META-INF/maven/g/a/pom.xml',
  ])
    assert.equal(projectManifestAnalyzer.required(p, { path: p, size: 1, mode: 0o644 }), false, p);
});

test('an application is kept only when packages belong to its project, and never when a package was read from it', () => {
  const pkg = (filePath: string, type = 'node-pkg'): Package => ({
    name: 'x',
    version: '1',
    filePath,
    purl: 'pkg:npm/x@1',
    ecosystem: 'npm',
    type,
    origin: 'installed',
  });
  const manifests: Application[] = [
    { name: 'a', ecosystem: 'npm', filePath: 'app/package.json' },
    { name: 'stray', ecosystem: 'npm', filePath: 'usr/share/doc/example/package.json' },
    { name: 'debian-module', ecosystem: 'npm', filePath: 'usr/share/nodejs/acorn/package.json' },
  ];
  const apps = applicationsOf(manifests, [
    pkg('app/node_modules/x/package.json'),
    pkg('usr/share/nodejs/acorn/package.json'),
  ]);
  assert.deepEqual(
    apps.map((a) => `${a.name} ${a.project}`),
    ['a app'],
  );
});
