/**
 * Slack, generic webhooks and Teams against loopback receivers that check
 * what the real services check, and the outbox: a channel that is down
 * keeps its events, which are delivered once it is back, exactly once.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument --
   received bodies are checked field by field as untyped JSON */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServerResponse } from 'node:http';
import { parseNotifications, type NotificationsConfig } from '../../src/notify/config.js';
import { eventsFromScan, type NotifyEvent } from '../../src/notify/events.js';
import { flushOutbox } from '../../src/notify/flush.js';
import { notifyEvents } from '../../src/notify/notifier.js';
import { readOutbox, writeOutbox } from '../../src/notify/outbox.js';
import { Redactor } from '../../src/notify/secrets.js';
import { slackMessage } from '../../src/notify/channels/slack.js';
import { MemoryLogger } from '../../src/util/log.js';
import { parseUntrustedYaml } from '../../src/util/untrusted-yaml.js';
import { json, Receiver, type Recorded } from '../support/http-receiver.js';
import { jreport, jvuln } from '../support/json-reports.js';

/**
 * What Slack checks of a chat.postMessage / incoming-webhook payload, from
 * https://api.slack.com/reference/block-kit/blocks (at most 50 blocks in a
 * message; header: plain_text, at most 150 characters; section: text at most
 * 3000 characters; context: at most 10 elements) and
 * https://api.slack.com/methods/chat.postMessage (text or blocks required;
 * `channel` required with a token). Returns Slack's error name, or undefined.
 */
function slackCheck(body: any, needsChannel: boolean): string | undefined {
  if (needsChannel && typeof body.channel !== 'string') return 'channel_not_found';
  if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return 'no_text';
  if (!Array.isArray(body.blocks)) return undefined;
  if (body.blocks.length > 50) return 'invalid_blocks';
  for (const b of body.blocks) {
    if (b.type === 'header') {
      if (b.text?.type !== 'plain_text' || typeof b.text.text !== 'string' || b.text.text.length > 150)
        return 'invalid_blocks';
    } else if (b.type === 'section') {
      if (!['mrkdwn', 'plain_text'].includes(b.text?.type) || b.text.text.length > 3000 || !b.text.text.length)
        return 'invalid_blocks';
    } else if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length > 10) return 'invalid_blocks';
    } else return 'invalid_blocks';
  }
  return undefined;
}

const HOOK_PATH = '/services/T0001/B0002/hooksecretXYZ123';
const BOT_TOKEN = 'xoxb-1111-2222-botsecretABC';
const WEBHOOK_SECRET = 'whsec-signing-key-42';

let slackDown = false;
const slack = new Receiver((req: Recorded, res: ServerResponse) => {
  if (req.path === HOOK_PATH) {
    // Incoming webhooks answer 200 "ok", or 400 with the error's name as text.
    const err = slackCheck(JSON.parse(req.body.toString()), false);
    res.writeHead(err ? 400 : 200, { 'content-type': 'text/plain' }).end(err ?? 'ok');
  } else if (req.path === '/api/chat.postMessage') {
    if (req.headers.authorization !== `Bearer ${BOT_TOKEN}`)
      return json(res, 200, { ok: false, error: 'invalid_auth' });
    const err = slackCheck(JSON.parse(req.body.toString()), true);
    json(res, 200, err ? { ok: false, error: err } : { ok: true, ts: '1.2' });
  } else res.writeHead(404).end('no_service');
});
const hooks = new Receiver((req, res) => {
  if (req.path === '/teams') {
    // Teams' webhook takes a message with Adaptive Card attachments, at most 28 KB.
    const body = JSON.parse(req.body.toString());
    const ok =
      req.body.length <= 28 * 1024 &&
      body.type === 'message' &&
      body.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive' &&
      body.attachments[0].content.type === 'AdaptiveCard';
    res.writeHead(ok ? 200 : 400).end(ok ? '1' : 'bad card');
    return;
  }
  // The generic receiver verifies the HMAC over the raw body, as a receiver is told to in the README.
  const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(req.body).digest('hex')}`;
  res.writeHead(req.headers['x-customs-signature'] === expected ? 204 : 401).end();
});

let dir: string;
before(async () => {
  await slack.up();
  await hooks.up();
  dir = mkdtempSync(join(tmpdir(), 'customs-notify-channels-'));
});
after(async () => {
  await slack.down();
  await hooks.down();
  rmSync(dir, { recursive: true, force: true });
});

function config(yaml: string): NotificationsConfig {
  return parseNotifications((parseUntrustedYaml(yaml) as { notifications: unknown }).notifications, 'test.yaml');
}

function many(n: number, image: string): NotifyEvent[] {
  const vulns = Array.from({ length: n }, (_, i) =>
    jvuln(`CVE-2026-${String(10000 + i)}`, `pkg-${i}`, 'CRITICAL', { Title: 'x'.repeat(200) }),
  );
  return eventsFromScan({ report: jreport(image, vulns) }).filter((e) => e.type === 'new_critical_vulnerability');
}

test('Slack webhook: one message per batch, within Block Kit limits, identical findings across images listed once', async () => {
  slack.requests.length = 0;
  const env = { CUSTOMS_SLACK_WEBHOOK_URL: `${slack.url}${HOOK_PATH}` };
  const cfg = config(
    'notifications:\n  channels:\n    slack: { triggers: [new_critical_vulnerability], rate_limit: 100/s }\n',
  );
  const events = [...many(300, 'ghcr.io/org/api:1'), ...many(300, 'ghcr.io/org/web:7')];
  const outboxFile = join(dir, 'slack-outbox.json');
  const logger = new MemoryLogger();
  const r = await notifyEvents(events, { config: cfg, outboxFile, env, redactor: new Redactor(), logger });
  assert.equal(r.failed, 0, JSON.stringify(logger.lines));
  assert.equal(r.delivered, 600);
  // 600 events, at most 200 a message: 3 messages, each accepted by the checker.
  assert.equal(slack.requests.length, 3);
  const first = JSON.parse(slack.requests[0]!.body.toString());
  assert.ok(first.blocks.length <= 50);
  // The same CVE on both images is one line naming both.
  const all = slack.requests.map((q) => q.body.toString()).join('\n');
  assert.ok(
    /CVE-2026-10000> \(CRITICAL\) in pkg-0 1\.0\.0-1, no fix yet: ghcr\.io\/org\/api, ghcr\.io\/org\/web/.test(all),
  );
  assert.ok(
    !/CVE-2026-10000> \(CRITICAL\) in pkg-0 1\.0\.0-1, no fix yet: ghcr\.io\/org\/api\\n/.test(all),
    'listed once',
  );
});

test('a batch larger than Slack allows is cut at 50 blocks and says how much was left out', () => {
  const events = many(200, 'a:1').map((e) => ({ ...e, repository: `registry.example/${'team/'.repeat(120)}app` }));
  const msg = slackMessage(events);
  assert.equal(slackCheck(msg, false), undefined);
  assert.equal(msg.blocks.length, 50);
  assert.match(JSON.stringify(msg.blocks.at(-1)), /more lines not shown/);
  // The message as Slack's escaping rules want it: no raw <, > or & from the data.
  const hostile = many(1, 'a:1').map((e) => ({ ...e, repository: '<!channel> & <https://evil.example|click>' }));
  const text = JSON.stringify(slackMessage(hostile).blocks);
  assert.ok(!text.includes('<!channel>') && text.includes('&lt;!channel&gt; &amp;'), text);
});

test('Slack bot token: chat.postMessage to the configured channel', async () => {
  slack.requests.length = 0;
  const env = { CUSTOMS_SLACK_TOKEN: BOT_TOKEN, CUSTOMS_SLACK_API_URL: `${slack.url}/api` };
  const cfg = config(
    'notifications:\n  channels:\n    slack: { channel: security-alerts, triggers: [new_critical_vulnerability] }\n',
  );
  const r = await notifyEvents(many(2, 'app:1'), {
    config: cfg,
    outboxFile: join(dir, 'bot.json'),
    env,
    redactor: new Redactor(),
    logger: new MemoryLogger(),
  });
  assert.equal(r.delivered, 2);
  const body = JSON.parse(slack.requests[0]!.body.toString());
  assert.equal(body.channel, 'security-alerts');
  // A refused token: Slack answers 200 {ok:false}; the delivery stays pending and the token is never logged.
  const logger = new MemoryLogger();
  const bad = await notifyEvents(many(1, 'other:1'), {
    config: cfg,
    outboxFile: join(dir, 'bot.json'),
    env: { ...env, CUSTOMS_SLACK_TOKEN: 'xoxb-wrong-token-value' },
    redactor: new Redactor(),
    logger,
  });
  assert.equal(bad.failed, 1);
  assert.match(JSON.stringify(logger.lines), /invalid_auth/);
  assert.ok(!JSON.stringify(logger.lines).includes('xoxb-wrong-token-value'));
});

test('webhook: CloudEvents 1.0 structured, HMAC-SHA256 signed; Teams: an Adaptive Card', async () => {
  hooks.requests.length = 0;
  const env = {
    CUSTOMS_WEBHOOK_URL: `${hooks.url}/hook`,
    CUSTOMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TEAMS_URL: `${hooks.url}/teams`,
  };
  const cfg = config(
    'notifications:\n  channels:\n    webhook: { triggers: [new_critical_vulnerability], rate_limit: 10/s }\n    teams: { url_env: TEAMS_URL, triggers: [new_critical_vulnerability] }\n',
  );
  const r = await notifyEvents(many(2, 'app:1'), {
    config: cfg,
    outboxFile: join(dir, 'hooks.json'),
    env,
    redactor: new Redactor(),
    logger: new MemoryLogger(),
  });
  assert.equal(r.failed, 0);
  const events = hooks.requests.filter((q) => q.path === '/hook');
  assert.equal(events.length, 2);
  const ce = JSON.parse(events[0]!.body.toString());
  // https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md: id, source, specversion, type required.
  assert.equal(ce.specversion, '1.0');
  assert.equal(ce.type, 'dev.customs.new_critical_vulnerability');
  assert.ok(ce.id && ce.source && ce.time && ce.data.findings.length === 1);
  assert.equal(events[0]!.headers['content-type'], 'application/cloudevents+json; charset=utf-8');
  assert.equal(hooks.requests.filter((q) => q.path === '/teams').length, 1);
});

test('a channel that is down keeps its events; flush delivers them once, and never again', async () => {
  const outboxFile = join(dir, 'down.json');
  const env = { CUSTOMS_SLACK_WEBHOOK_URL: `${slack.url}${HOOK_PATH}` };
  const cfg = config('notifications:\n  channels:\n    slack: { triggers: [new_critical_vulnerability] }\n');
  const port = slack.port;
  await slack.down();
  slackDown = true;
  const logger = new MemoryLogger();
  const r = await notifyEvents(many(3, 'app:9'), { config: cfg, outboxFile, env, redactor: new Redactor(), logger });
  assert.equal(r.failed, 3);
  assert.ok(!JSON.stringify(logger.lines).includes('hooksecret'), 'the webhook URL is masked in the warning');
  assert.ok(!readFileSync(outboxFile, 'utf8').includes('hooksecret'), 'the outbox holds no secret');
  const pending = readOutbox(outboxFile).entries;
  assert.equal(pending.length, 3, JSON.stringify(pending.map((e) => [e.status, e.attempts, e.lastError])));
  assert.ok(
    pending.every(
      (e) =>
        e.status === 'pending' &&
        e.attempts === 1 &&
        /^Slack webhook: (ECONNREFUSED|UND_ERR_SOCKET)/.test(e.lastError ?? ''),
    ),
    JSON.stringify(pending),
  );
  slack.port = port;
  await slack.up();
  slackDown = false;
  slack.requests.length = 0;
  // Before the backoff ends nothing is retried...
  const data = readOutbox(outboxFile);
  const early = await flushOutbox(data, cfg, {
    env,
    redactor: new Redactor(),
    logger,
    save: () => writeOutbox(outboxFile, data),
  });
  assert.equal(early.delivered, 0);
  // ...once it has, everything goes in one message.
  const later = await flushOutbox(data, cfg, {
    env,
    redactor: new Redactor(),
    logger,
    save: () => writeOutbox(outboxFile, data),
    now: () => Date.now() + 3_600_000,
  });
  assert.equal(later.delivered, 3);
  assert.equal(slack.requests.length, 1);
  // The same scan again, and another flush: nothing is sent twice.
  const again = await notifyEvents(many(3, 'app:9'), {
    config: cfg,
    outboxFile,
    env,
    redactor: new Redactor(),
    logger,
  });
  assert.equal(again.queued, 0);
  assert.equal(slack.requests.length, 1);
  assert.equal(slackDown, false);
});

test('the rate limit defers what does not fit the window to a later run', async () => {
  hooks.requests.length = 0;
  const env = { CUSTOMS_WEBHOOK_URL: `${hooks.url}/hook`, CUSTOMS_WEBHOOK_SECRET: WEBHOOK_SECRET };
  const cfg = config(
    'notifications:\n  channels:\n    webhook: { triggers: [new_critical_vulnerability], rate_limit: 2/h }\n',
  );
  const r = await notifyEvents(many(5, 'limited:1'), {
    config: cfg,
    outboxFile: join(dir, 'rate.json'),
    env,
    redactor: new Redactor(),
    logger: new MemoryLogger(),
  });
  assert.equal(r.delivered, 2);
  assert.equal(r.deferred, 3);
  assert.equal(hooks.requests.length, 2);
});

test('a new event for a channel in backoff takes its pending entries along', async () => {
  const outboxFile = join(dir, 'along.json');
  const env = { CUSTOMS_SLACK_WEBHOOK_URL: `${slack.url}${HOOK_PATH}` };
  const cfg = config(
    'notifications:\n  channels:\n    slack: { triggers: [new_critical_vulnerability], rate_limit: 10/s }\n',
  );
  const port = slack.port;
  await slack.down();
  const failed = await notifyEvents(many(2, 'along:1'), {
    config: cfg,
    outboxFile,
    env,
    redactor: new Redactor(),
    logger: new MemoryLogger(),
  });
  assert.equal(failed.failed, 2);
  slack.port = port;
  await slack.up();
  slack.requests.length = 0;
  const r = await notifyEvents(
    many(1, 'along:2').map((e) => ({ ...e, id: `${e.id}-new` })),
    {
      config: cfg,
      outboxFile,
      env,
      redactor: new Redactor(),
      logger: new MemoryLogger(),
    },
  );
  assert.equal(r.delivered, 3);
  assert.equal(slack.requests.length, 1);
});
