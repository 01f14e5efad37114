/**
 * From a configured channel and a batch of events to the message sent:
 * secrets read (and registered for masking) only here, at send time.
 * The server calls sendBatch with the events of its own outbox table.
 */
import type { ChannelConfig, NotificationsConfig } from './config.js';
import type { NotifyEvent } from './events.js';
import { readSecret, secretSources, type Redactor } from './secrets.js';
import { UserError } from '../util/errors.js';
import { emailMessage, sendEmail } from './channels/email.js';
import { sendSlack, slackMessage } from './channels/slack.js';
import { sendTeams, teamsMessage } from './channels/teams.js';
import { cloudEvent, sendWebhook } from './channels/webhook.js';

export interface SendContext {
  env: NodeJS.ProcessEnv;
  redactor: Redactor;
}

/** Most events one message carries: humans get batches, machines (webhooks) one event each. */
export function maxBatch(channel: ChannelConfig): number {
  return channel.kind === 'webhook' ? 1 : 200;
}

/** The channels that want an event. */
export function routeEvents(
  config: NotificationsConfig,
  events: readonly NotifyEvent[],
): { event: NotifyEvent; channel: string }[] {
  return events.flatMap((event) =>
    config.channels.filter((c) => c.triggers.includes(event.type)).map((c) => ({ event, channel: c.name })),
  );
}

function missing(channel: ChannelConfig, what: string): UserError {
  return new UserError(`notifications.channels.${channel.name}: no ${what} configured`, `set ${what}`);
}

/** Checks that a channel's secrets are present, before any scan work (nothing is returned: values stay unread elsewhere). */
export function checkChannelSecrets(channel: ChannelConfig, ctx: SendContext): void {
  switch (channel.kind) {
    case 'slack':
      if (!readSecret(channel.webhookUrl, ctx.redactor, ctx.env) && !readSecret(channel.token, ctx.redactor, ctx.env))
        throw missing(channel, `${secretSources(channel.webhookUrl)} or ${secretSources(channel.token)}`);
      if (!readSecret(channel.webhookUrl, ctx.redactor, ctx.env) && !channel.channel)
        throw new UserError(`notifications.channels.${channel.name}: a bot token needs channel: to post to`);
      return;
    case 'email':
      if (!readSecret(channel.smtpUrl, ctx.redactor, ctx.env)) throw missing(channel, secretSources(channel.smtpUrl));
      if (!channel.from && !ctx.env['CUSTOMS_SMTP_FROM']) throw missing(channel, 'from: or CUSTOMS_SMTP_FROM');
      return;
    case 'webhook':
    case 'teams':
      if (!readSecret(channel.url, ctx.redactor, ctx.env)) throw missing(channel, secretSources(channel.url));
      return;
  }
}

/** Sends one batch to one channel; errors are masked with the context's redactor. */
export async function sendBatch(
  channel: ChannelConfig,
  events: readonly NotifyEvent[],
  ctx: SendContext,
): Promise<void> {
  checkChannelSecrets(channel, ctx);
  const secret = (ref: Parameters<typeof readSecret>[0]) => readSecret(ref, ctx.redactor, ctx.env);
  try {
    switch (channel.kind) {
      case 'slack':
        await sendSlack(
          {
            webhookUrl: secret(channel.webhookUrl),
            token: secret(channel.token),
            apiUrl: ctx.env[channel.apiUrlEnv] || 'https://slack.com/api',
            channel: channel.channel,
          },
          events,
        );
        return;
      case 'email':
        await sendEmail(
          {
            smtpUrl: secret(channel.smtpUrl)!,
            from: channel.from ?? ctx.env['CUSTOMS_SMTP_FROM']!,
            recipients: channel.recipients,
            requireTls: channel.requireTls,
            caFile: channel.caFile,
          },
          events,
        );
        return;
      case 'webhook':
        for (const e of events) await sendWebhook(secret(channel.url)!, secret(channel.secret), e);
        return;
      case 'teams':
        await sendTeams(secret(channel.url)!, events);
        return;
    }
  } catch (e) {
    const masked = ctx.redactor.error(e);
    if (e instanceof Error && 'retryAfterMs' in e)
      Object.assign(masked, { retryAfterMs: (e as { retryAfterMs?: number }).retryAfterMs });
    throw masked;
  }
}

/** What sendBatch would send, for `--notify-dry-run`: the payload, no secret read into it. */
export function previewBatch(channel: ChannelConfig, events: readonly NotifyEvent[], env: NodeJS.ProcessEnv): unknown {
  switch (channel.kind) {
    case 'slack':
      return slackMessage(events, channel.channel);
    case 'teams':
      return teamsMessage(events);
    case 'webhook':
      return events.map(cloudEvent);
    case 'email': {
      const m = emailMessage(
        {
          from: channel.from ?? env['CUSTOMS_SMTP_FROM'] ?? '(CUSTOMS_SMTP_FROM)',
          recipients: channel.recipients,
          requireTls: channel.requireTls,
        },
        events,
      );
      return {
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        attachments: (m.attachments ?? []).map((a) => a.filename),
      };
    }
  }
}
