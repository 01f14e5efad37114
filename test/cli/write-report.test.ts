import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeReport } from '../../src/cli/run-scan.js';
import { claimFreshFile, createTempFileBeside, writeFileAtomic } from '../../src/util/atomic-file.js';

test('-o FILE: the report replaces the file whole, and no temporary file is left', () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-out-'));
  try {
    const out = join(dir, 'report.json');
    writeFileSync(out, 'an older, longer report');
    writeReport('{}\n', out);
    assert.equal(readFileSync(out, 'utf8'), '{}\n');
    assert.deepEqual(readdirSync(dir), ['report.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-o /dev/null or a FIFO: written to, never replaced by a file', async () => {
  writeReport('{}\n', '/dev/null');
  assert.ok(statSync('/dev/null').isCharacterDevice(), '/dev/null is still the device');
  const dir = mkdtempSync(join(tmpdir(), 'customs-out-'));
  try {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    let got = '';
    reader.stdout.on('data', (c: Buffer) => {
      got += c.toString();
    });
    const closed = new Promise((resolve) => reader.on('close', resolve));
    writeReport('through the pipe\n', fifo);
    await closed;
    assert.equal(got, 'through the pipe\n');
    assert.ok(statSync(fifo).isFIFO());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-o FILE: a symlink planted at the old predictable temp name redirects nothing (issue 22 item 8)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-out-'));
  try {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const out = join(dir, 'report.json');
    // The names customs used before: `.NAME.tmp-PID` beside the report.
    const planted = join(dir, `.report.json.tmp-${process.pid}`);
    symlinkSync(victim, planted);
    writeReport('{"report":1}\n', out);
    assert.equal(readFileSync(victim, 'utf8'), 'precious', 'the symlink target is untouched');
    assert.equal(readFileSync(out, 'utf8'), '{"report":1}\n');
    assert.ok(lstatSync(out).isFile() && !lstatSync(out).isSymbolicLink());
    assert.deepEqual(
      readdirSync(dir).sort(),
      ['.report.json.tmp-' + process.pid, 'report.json', 'victim'].sort(),
      'no temp file left',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('temp files: unpredictable names, created exclusively with mode 0600', () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-out-'));
  try {
    const target = join(dir, 'r.json');
    const a = createTempFileBeside(target),
      b = createTempFileBeside(target);
    assert.notEqual(a.path, b.path);
    assert.match(a.path, /\/\.r\.json\.[0-9a-f]{18}\.tmp$/);
    assert.equal(statSync(a.path).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("atomic writes keep a replaced file's mode, give a new one the umask's, and leave nothing on failure", () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-out-'));
  try {
    const kept = join(dir, 'kept');
    writeFileSync(kept, 'old');
    chmodSync(kept, 0o640);
    writeFileAtomic(kept, (fd) => writeFileSync(fd, 'new'));
    assert.equal(readFileSync(kept, 'utf8'), 'new');
    assert.equal(statSync(kept).mode & 0o777, 0o640);
    const fresh = join(dir, 'fresh');
    writeFileAtomic(fresh, (fd) => writeFileSync(fd, 'x'));
    const umask = process.umask();
    assert.equal(statSync(fresh).mode & 0o777, 0o666 & ~umask);
    assert.throws(
      () =>
        writeFileAtomic(kept, () => {
          throw new Error('render failed');
        }),
      /render failed/,
    );
    assert.equal(readFileSync(kept, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir).sort(), ['fresh', 'kept']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a predictable name SQLite will open (db update/import): a planted symlink is removed, not followed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-out-'));
  try {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const tmp = join(dir, `customs.db.tmp-${process.pid}`);
    symlinkSync(victim, tmp);
    claimFreshFile(tmp);
    assert.ok(lstatSync(tmp).isFile() && !lstatSync(tmp).isSymbolicLink());
    assert.equal(statSync(tmp).size, 0);
    assert.equal(statSync(tmp).mode & 0o777, 0o600);
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
