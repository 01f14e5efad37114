/**
 * Email through a real SMTP server (npm smtp-server) on loopback: STARTTLS
 * with a self-signed certificate made for the test (openssl), AUTH PLAIN/LOGIN
 * checked against a user and password, the delivered message parsed with
 * mailparser: subject, recipients, text and HTML parts, and the weekly
 * report's JSON attachment. STARTTLS is required (RFC 3207): a server that
 * does not offer it gets nothing, credentials included.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { parseNotifications } from '../../src/notify/config.js';
import { weeklyReportEvent, eventsFromScan } from '../../src/notify/events.js';
import { notifyEvents } from '../../src/notify/notifier.js';
import { readOutbox } from '../../src/notify/outbox.js';
import { Redactor } from '../../src/notify/secrets.js';
import { MemoryLogger } from '../../src/util/log.js';
import { parseUntrustedYaml } from '../../src/util/untrusted-yaml.js';
import { jreport, jvuln } from '../support/json-reports.js';

const USER = 'mailer';
const PASS = 'p@ss w0rd/secret';
let dir: string;
let cert: string;
let key: string;
const received: { mail: ParsedMail; from: string; to: string[]; secure: boolean }[] = [];

function server(offerStartTls: boolean): SMTPServer {
  return new SMTPServer({
    key,
    cert,
    // A server without STARTTLS at all (hiding it is not enough: nodemailer's requireTLS tries it anyway).
    disabledCommands: offerStartTls ? [] : ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, session, cb) {
      // Credentials over a connection that is not TLS yet are a failure of the client.
      if (!session.secure) return cb(new Error('TLS first'));
      if (auth.username === USER && auth.password === PASS) return cb(null, { user: USER });
      return cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            mail,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
          });
          cb();
        })
        .catch(cb);
    },
    logger: false,
  });
}

async function listen(s: SMTPServer): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.server.address() as AddressInfo).port;
}

let tlsServer: SMTPServer;
let plainServer: SMTPServer;
let tlsPort: number;
let plainPort: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'customs-notify-email-'));
  key = join(dir, 'key.pem');
  cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  key = readFileSync(key, 'utf8');
  cert = readFileSync(cert, 'utf8');
  tlsServer = server(true);
  plainServer = server(false);
  tlsPort = await listen(tlsServer);
  plainPort = await listen(plainServer);
});

after(async () => {
  await new Promise<void>((r) => tlsServer.close(() => r()));
  await new Promise<void>((r) => plainServer.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function config(caFile: string) {
  const yaml = `notifications:
  channels:
    email:
      recipients: [security-team@company.example, lead@company.example]
      from: customs@company.example
      ca_file: ${caFile}
      triggers: [weekly_security_report, critical_security_event]
`;
  return parseNotifications((parseUntrustedYaml(yaml) as { notifications: unknown }).notifications, 'test.yaml');
}

test('a critical security event: one mail over STARTTLS with AUTH, text and HTML parts', async () => {
  received.length = 0;
  const caFile = join(dir, 'ca.pem');
  execFileSync('cp', [join(dir, 'cert.pem'), caFile]);
  const env = { CUSTOMS_SMTP_URL: `smtp://${USER}:${encodeURIComponent(PASS)}@127.0.0.1:${tlsPort}` };
  const report = jreport('ghcr.io/org/app:3', [
    jvuln('CVE-2024-3094', 'xz-utils', 'CRITICAL', {
      KEV: { DateAdded: '2024-03-29' },
      Title: 'xz <backdoor> & friends',
    }),
  ]);
  const events = eventsFromScan({ report });
  const logger = new MemoryLogger();
  const r = await notifyEvents(events, {
    config: config(caFile),
    outboxFile: join(dir, 'outbox.json'),
    env,
    redactor: new Redactor(),
    logger,
  });
  assert.equal(r.delivered, 1, JSON.stringify(logger.lines));
  assert.equal(received.length, 1);
  const { mail, to, secure } = received[0]!;
  assert.equal(secure, true);
  assert.deepEqual(to, ['security-team@company.example', 'lead@company.example']);
  assert.match(mail.subject ?? '', /Known exploited CVE-2024-3094 in xz-utils/);
  assert.match(
    mail.text ?? '',
    /CVE-2024-3094 \(CRITICAL\) in xz-utils 1\.0\.0-1, no fix yet, known exploited \(CISA KEV\): ghcr\.io\/org\/app/,
  );
  assert.ok(typeof mail.html === 'string' && mail.html.includes('<pre'));
});

test('the weekly report: the HTML report inline, the JSON attached', async () => {
  received.length = 0;
  const env = { CUSTOMS_SMTP_URL: `smtp://${USER}:${encodeURIComponent(PASS)}@127.0.0.1:${tlsPort}` };
  const reports = [
    jreport('ghcr.io/org/app:3', [jvuln('CVE-2024-1', 'openssl', 'CRITICAL', { FixedVersion: '3.0.15-1~deb12u2' })]),
  ];
  const r = await notifyEvents([weeklyReportEvent(reports)], {
    config: config(join(dir, 'cert.pem')),
    outboxFile: join(dir, 'weekly.json'),
    env,
    redactor: new Redactor(),
    logger: new MemoryLogger(),
  });
  assert.equal(r.delivered, 1);
  const { mail } = received[0]!;
  assert.match(mail.subject ?? '', /^Weekly security report \d{4}-W\d\d/);
  assert.ok(
    typeof mail.html === 'string' &&
      mail.html.includes('<svg') &&
      mail.html.includes('upgrading <b>openssl</b> to 3.0.15-1~deb12u2 fixes 1 finding'),
  );
  assert.equal(mail.attachments.length, 1);
  assert.equal(mail.attachments[0]!.contentType, 'application/json');
  assert.equal(
    (JSON.parse(mail.attachments[0]!.content.toString()) as { ArtifactName: string }).ArtifactName,
    'ghcr.io/org/app:3',
  );
});

test('no STARTTLS offered, or a wrong password: nothing is sent, the delivery waits, the password is never printed', async () => {
  received.length = 0;
  const logger = new MemoryLogger();
  const outboxFile = join(dir, 'refused.json');
  const events = eventsFromScan({ report: jreport('x:1', [jvuln('CVE-2024-9', 'a', 'CRITICAL', { KEV: {} })]) });
  const plain = await notifyEvents(events, {
    config: config(join(dir, 'cert.pem')),
    outboxFile,
    env: { CUSTOMS_SMTP_URL: `smtp://${USER}:${encodeURIComponent(PASS)}@127.0.0.1:${plainPort}` },
    redactor: new Redactor(),
    logger,
  });
  assert.equal(plain.failed, 1, JSON.stringify([plain, logger.lines]));
  const wrong = 'Wr0ng-Secret-Pass';
  const bad = await notifyEvents(events, {
    config: config(join(dir, 'cert.pem')),
    outboxFile: join(dir, 'refused2.json'),
    env: { CUSTOMS_SMTP_URL: `smtp://${USER}:${wrong}@127.0.0.1:${tlsPort}` },
    redactor: new Redactor(),
    logger,
  });
  assert.equal(bad.failed, 1, JSON.stringify([bad, logger.lines]));
  assert.equal(received.length, 0);
  const logs =
    JSON.stringify(logger.lines) +
    readFileSync(outboxFile, 'utf8') +
    JSON.stringify(readOutbox(join(dir, 'refused2.json')));
  assert.match(logs, /EAUTH|535|TLS/);
  assert.ok(!logs.includes(wrong) && !logs.includes('w0rd'), logs);
});
