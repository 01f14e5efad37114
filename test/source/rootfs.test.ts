/** `customs rootfs DIR`: an unpacked filesystem scans like an image; its symlinks are never followed on the host. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { fixture } from '../support/paths.js';

const root = mkdtempSync(join(tmpdir(), 'customs-rootfs-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a rootfs directory: OS and packages found, host symlinks not followed', async () => {
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  copyFileSync(fixture('os', 'release', 'debian-bookworm.os-release'), join(root, 'etc/os-release'));
  copyFileSync(fixture('os', 'release', 'debian-bookworm.debian_version'), join(root, 'etc/debian_version'));
  copyFileSync(fixture('os', 'dpkg', 'status'), join(root, 'var/lib/dpkg/status'));
  // A link to the host's real dpkg database must stay a link: customs reads inside the tree only.
  mkdirSync(join(root, 'opt'));
  symlinkSync('/var/lib/dpkg', join(root, 'opt/hostdpkg'));
  writeFileSync(join(root, 'opt/readme.txt'), 'hello');
  const r = await runCli(['rootfs', root, '--scanners', 'none', '-f', 'json', '--list-all-pkgs', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as {
    Metadata: { OS: { Family: string; Name: string } };
    Results: { Packages?: { FilePath: string }[] }[];
  };
  assert.deepEqual(rep.Metadata.OS, { Family: 'debian', Name: '12.15' });
  const pkgs = rep.Results.flatMap((x) => x.Packages ?? []);
  assert.equal(pkgs.length, 88);
  assert.ok(
    pkgs.every((p) => p.FilePath === 'var/lib/dpkg/status'),
    'nothing read through the host symlink',
  );
  const missing = await runCli(['rootfs', join(root, 'nope'), '--scanners', 'none', '--quiet']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope: no such file or directory/);
});
