/**
 * The seed's notifications: and vulnerability_tracking: sections parse as
 * written; unknown keys, unknown triggers and secrets in clear are errors
 * that name the key and say what to do; secrets come from the environment
 * or files and are masked wherever they might be printed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseUntrustedYaml } from '../../src/util/untrusted-yaml.js';
import { sendingSections } from '../../src/notify/load.js';
import { readSecret, Redactor } from '../../src/notify/secrets.js';
import { checkChannelSecrets } from '../../src/notify/send.js';

// The seed, verbatim.
const SEED = `
vulnerability_tracking:
  providers:
    - name: defectdojo
      api_url: https://defectdojo.internal
      product_name: container-security
    - name: security_hub
      region: us-west-2
      findings_filter: { ProductName: container-scanning, SeverityLabel: CRITICAL }
notifications:
  channels:
    slack: { channel: security-alerts, triggers: [new_critical_vulnerability, compliance_violation] }
    email: { recipients: [security-team@company.com], triggers: [weekly_security_report, critical_security_event] }
`;

const parse = (yaml: string) => sendingSections(parseUntrustedYaml(yaml) as Record<string, unknown>, 'customs.yaml');

test("the seed's sections parse as written", () => {
  const c = parse(SEED);
  const slack = c.notifications!.channels[0]!;
  const email = c.notifications!.channels[1]!;
  assert.equal(slack.kind, 'slack');
  assert.deepEqual(slack.triggers, ['new_critical_vulnerability', 'compliance_violation']);
  assert.equal(slack.kind === 'slack' && slack.channel, 'security-alerts');
  assert.equal(email.kind === 'email' && email.recipients[0], 'security-team@company.com');
  assert.equal(c.tracking!.defectdojo!.apiUrl, 'https://defectdojo.internal');
  assert.equal(c.tracking!.defectdojo!.token.env, 'CUSTOMS_DEFECTDOJO_TOKEN');
  assert.equal(c.tracking!.securityHub!.productName, 'container-scanning');
  assert.deepEqual(c.tracking!.securityHub!.severityLabels, ['CRITICAL']);
  assert.equal(c.notifications!.weeklySchedule, '0 8 * * MON');
});

test('unknown keys and triggers are errors naming them, with the nearest known one', () => {
  assert.throws(
    () => parse('notifications:\n  channels:\n    slack: { chanel: x, triggers: [scan_failed] }\n'),
    (e: Error) => /unknown key "notifications\.channels\.slack\.chanel".*"channel"/.test(e.message),
  );
  assert.throws(
    () => parse('notifications:\n  channels:\n    slack: { triggers: [new_critical_vuln] }\n'),
    (e: Error) => /unknown trigger "new_critical_vuln".*new_critical_vulnerability/.test(e.message),
  );
  assert.throws(() => parse('notifications:\n  chanels: {}\n'), /unknown key "notifications\.chanels"/);
  assert.throws(
    () => parse('notifications:\n  channels:\n    pager: { triggers: [scan_failed] }\n'),
    /unknown channel type "pager"/,
  );
  assert.throws(
    () => parse('vulnerability_tracking:\n  providers:\n    - { name: jira }\n'),
    /defectdojo or security_hub/,
  );
});

test('a secret in clear is refused with the way to move it, and its value is not echoed', () => {
  const url = 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX';
  assert.throws(
    () => parse(`notifications:\n  channels:\n    slack: { webhook_url: "${url}", triggers: [scan_failed] }\n`),
    (e: Error) =>
      /holds a secret in clear/.test(e.message) &&
      /CUSTOMS_SLACK_WEBHOOK_URL/.test(e.message) &&
      /webhook_url_file/.test(e.message) &&
      !e.message.includes('XXXXSECRETXXXX'),
  );
  assert.throws(
    () =>
      parse(
        'vulnerability_tracking:\n  providers:\n    - { name: defectdojo, api_url: "https://u:p4ss@dojo", product_name: p }\n',
      ),
    (e: Error) => /credentials in clear/.test(e.message) && !e.message.includes('p4ss'),
  );
});

test('secrets come from the named variable or file; missing ones say where they were looked for', () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-notify-config-'));
  try {
    const file = join(dir, 'smtp-url');
    writeFileSync(file, 'smtp://mailer:s3cr3t-pass@127.0.0.1:2525\n');
    const c = parse(`notifications:
  channels:
    slack: { webhook_url_env: TEAM_HOOK, triggers: [scan_failed] }
    email: { recipients: [a@b.example], from: customs@b.example, smtp_url_file: ${file}, triggers: [scan_failed] }
`);
    const [slack, email] = c.notifications!.channels;
    const redactor = new Redactor();
    assert.throws(
      () => checkChannelSecrets(slack!, { env: {}, redactor }),
      /TEAM_HOOK or the environment variable CUSTOMS_SLACK_TOKEN/,
    );
    checkChannelSecrets(slack!, { env: { TEAM_HOOK: 'https://hooks.example/T/B/sekrit-hook' }, redactor });
    assert.equal(email!.kind, 'email');
    const e = email!;
    if (e.kind === 'email')
      assert.equal(readSecret(e.smtpUrl, redactor, {}), 'smtp://mailer:s3cr3t-pass@127.0.0.1:2525');
    const masked = redactor.mask(
      'POST https://hooks.example/T/B/sekrit-hook failed; auth s3cr3t-pass; url smtp://mailer:s3cr3t-pass@127.0.0.1:2525',
    );
    assert.ok(!masked.includes('sekrit') && !masked.includes('s3cr3t'), masked);
    assert.match(masked, /\*\*\*/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a webhook in the teams format is a Teams channel; an unknown format is an error', () => {
  const c = parse(
    'notifications:\n  channels:\n    ops: { type: webhook, format: teams, url_env: OPS_TEAMS, triggers: [scan_failed] }\n',
  );
  assert.equal(c.notifications!.channels[0]!.kind, 'teams');
  assert.throws(
    () => parse('notifications:\n  channels:\n    webhook: { format: xml, triggers: [scan_failed] }\n'),
    /cloudevents or teams/,
  );
});

test('rate limits and schedules are checked', () => {
  const c = parse(
    'notifications:\n  weekly_report: { schedule: "0 9 * * 1" }\n  channels:\n    webhook: { rate_limit: 20/10m, triggers: [scan_failed] }\n',
  );
  assert.deepEqual(c.notifications!.channels[0]!.rateLimit, { count: 20, periodMs: 600_000 });
  assert.throws(
    () => parse('notifications:\n  channels:\n    webhook: { rate_limit: lots, triggers: [scan_failed] }\n'),
    /rate_limit must look like/,
  );
  assert.throws(
    () => parse('notifications:\n  weekly_report: { schedule: "every monday" }\n'),
    /not a cron expression/,
  );
});
