/**
 * Slack: an incoming webhook, or a bot token posting with chat.postMessage
 * to the configured channel. One Block Kit message per batch, inside Slack's
 * documented limits (https://api.slack.com/reference/block-kit/blocks):
 * at most 50 blocks, a header's text 150 characters, a section's text 3000;
 * what does not fit is counted in a last context block, never cut mid-line.
 * Text is mrkdwn, escaped as https://api.slack.com/reference/surfaces/formatting#escaping says.
 */
import type { NotifyEvent } from '../events.js';
import { batchTitle, findingLine, groupEvents, otherLine, TRIGGER_TITLES, type FindingGroup } from '../batch.js';
import { DeliveryError, post } from './http.js';

export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, fallbackText: 3000 } as const;

const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

interface Block {
  type: string;
  [k: string]: unknown;
}

function findingMrkdwn(g: FindingGroup): string {
  const line = escapeMrkdwn(findingLine(g));
  const link = g.links[0] ?? g.finding.url;
  // Only http(s) links: a finding's URL comes from advisory data, and `<…|…>` must not be broken out of.
  return link && /^https?:\/\/[^\s<>|]+$/.test(link)
    ? `• <${link}|${escapeMrkdwn(g.finding.id)}>${line.slice(escapeMrkdwn(g.finding.id).length)}`
    : `• ${line}`;
}

/** The Block Kit message for a batch: header, then per trigger a title and its lines in sections. */
export function slackMessage(
  events: readonly NotifyEvent[],
  channel?: string,
): { text: string; blocks: Block[]; channel?: string } {
  const title = batchTitle(events);
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.headerText) } },
  ];
  const lines: string[][] = [];
  for (const g of groupEvents(events)) {
    const group = [`*${escapeMrkdwn(TRIGGER_TITLES[g.type])}*`];
    for (const f of g.findings) group.push(findingMrkdwn(f));
    for (const o of g.others) group.push(`• ${escapeMrkdwn(otherLine(o))}`);
    lines.push(group);
  }
  // Keep one block for the "not shown" note.
  const room = SLACK_LIMITS.blocks - 1;
  let notShown = 0;
  for (const group of lines) {
    let text = '';
    for (const line of group) {
      const l = clip(line, SLACK_LIMITS.sectionText);
      if (text && text.length + 1 + l.length > SLACK_LIMITS.sectionText) {
        if (blocks.length < room) blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
        else notShown += text.split('\n').length;
        text = '';
      }
      text = text ? `${text}\n${l}` : l;
    }
    if (text) {
      if (blocks.length < room) blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
      else notShown += text.split('\n').length;
    }
  }
  if (notShown)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${notShown} more lines not shown` }] });
  return { text: clip(title, SLACK_LIMITS.fallbackText), blocks, ...(channel ? { channel } : {}) };
}

export interface SlackTarget {
  webhookUrl?: string;
  token?: string;
  apiUrl: string;
  channel?: string;
}

export async function sendSlack(target: SlackTarget, events: readonly NotifyEvent[]): Promise<void> {
  if (target.webhookUrl) {
    // An incoming webhook posts to the channel it was made for; `channel` in the body is ignored by Slack.
    const body = JSON.stringify(slackMessage(events));
    await post('Slack webhook', target.webhookUrl, body, { 'content-type': 'application/json' });
    return;
  }
  const body = JSON.stringify(slackMessage(events, target.channel));
  const res = await post('Slack chat.postMessage', `${target.apiUrl.replace(/\/+$/, '')}/chat.postMessage`, body, {
    'content-type': 'application/json; charset=utf-8',
    authorization: `Bearer ${target.token!}`,
  });
  // The Web API answers 200 with {"ok": false, "error": …} for most failures.
  let answer: { ok?: boolean; error?: string };
  try {
    answer = JSON.parse(res.body) as typeof answer;
  } catch {
    throw new DeliveryError('Slack chat.postMessage: the answer is not JSON');
  }
  if (answer.ok !== true) throw new DeliveryError(`Slack chat.postMessage: ${String(answer.error ?? 'not ok')}`);
}
