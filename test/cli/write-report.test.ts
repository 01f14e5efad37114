import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeReport } from '../../src/cli/run-scan.js';

test('-o FILE: the report replaces the file whole, and no temporary file is left', () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-out-'));
  try {
    const out = join(dir, 'report.json');
    writeFileSync(out, 'an older, longer report');
    writeReport('{}\n', out);
    assert.equal(readFileSync(out, 'utf8'), '{}\n');
    assert.deepEqual(readdirSync(dir), ['report.json']);
  } finally { rmSync(dir, { recursive: true, force: true }); }
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
    reader.stdout.on('data', (c: Buffer) => { got += c.toString(); });
    const closed = new Promise((resolve) => reader.on('close', resolve));
    writeReport('through the pipe\n', fifo);
    await closed;
    assert.equal(got, 'through the pipe\n');
    assert.ok(statSync(fifo).isFIFO());
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
