/**
 * Microsoft Teams incoming webhooks (Workflows, and the older connectors):
 * one Adaptive Card per batch in the message envelope both accept
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook):
 * `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{…}}]}`.
 * Teams refuses messages over 28 KB, so lines are added while they fit.
 */
import type { NotifyEvent } from '../events.js';
import { batchTitle, findingLine, groupEvents, otherLine, TRIGGER_TITLES } from '../batch.js';
import { post } from './http.js';

export const TEAMS_MAX_BYTES = 28 * 1024;
/** Room kept for the envelope and the "not shown" line. */
const BODY_BUDGET = TEAMS_MAX_BYTES - 2048;

export function teamsMessage(events: readonly NotifyEvent[]): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', size: 'Large', weight: 'Bolder', wrap: true, text: batchTitle(events) },
  ];
  let size = JSON.stringify(body).length;
  let notShown = 0;
  const add = (block: Record<string, unknown>): void => {
    const n = JSON.stringify(block).length + 1;
    if (size + n > BODY_BUDGET) {
      notShown++;
      return;
    }
    size += n;
    body.push(block);
  };
  for (const g of groupEvents(events)) {
    add({ type: 'TextBlock', weight: 'Bolder', wrap: true, text: TRIGGER_TITLES[g.type] });
    for (const f of g.findings) add({ type: 'TextBlock', wrap: true, text: `- ${findingLine(f)}` });
    for (const o of g.others) add({ type: 'TextBlock', wrap: true, text: `- ${otherLine(o)}` });
  }
  if (notShown)
    body.push({ type: 'TextBlock', isSubtle: true, wrap: true, text: `…and ${notShown} more lines not shown` });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
        },
      },
    ],
  };
}

export async function sendTeams(url: string, events: readonly NotifyEvent[]): Promise<void> {
  await post('Teams webhook', url, JSON.stringify(teamsMessage(events)), { 'content-type': 'application/json' });
}
