/**
 * Email over SMTP with nodemailer (loaded on first use): `smtp://` upgrades
 * with STARTTLS (required unless the channel sets `require_tls: false`),
 * `smtps://` speaks TLS from the start; AUTH from the URL's user and
 * password. Every mail is multipart/alternative text + HTML; the weekly
 * report is the HTML report inline with the JSON report attached.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as Nodemailer from 'nodemailer';
import { htmlFromJson } from '../../report/format/html.js';
import { escapeHtml } from '../../report/format/html-escape.js';
import { lazyRequire } from '../../util/lazy-require.js';
import { UserError } from '../../util/errors.js';
import { batchText, batchTitle } from '../batch.js';
import type { NotifyEvent } from '../events.js';
import { DeliveryError } from './http.js';

const nodemailer = lazyRequire<typeof Nodemailer>('nodemailer');

export interface EmailTarget {
  smtpUrl: string;
  from: string;
  recipients: string[];
  requireTls: boolean;
  caFile?: string;
}

function transportOptions(target: EmailTarget): Record<string, unknown> {
  let u: URL;
  try {
    u = new URL(target.smtpUrl);
  } catch {
    throw new UserError(
      'the SMTP URL is not a URL',
      'write it as smtp://user:pass@host:587 or smtps://user:pass@host:465',
    );
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
    throw new UserError(`the SMTP URL's scheme is ${u.protocol}`, 'use smtp:// (STARTTLS) or smtps:// (TLS)');
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && target.requireTls,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    tls: { minVersion: 'TLSv1.2', ...(target.caFile ? { ca: readFileSync(target.caFile) } : {}) },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  };
}

function batchHtml(events: readonly NotifyEvent[]): string {
  const text = batchText(events);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(batchTitle(events))}</title></head><body><pre style="font-family:system-ui,sans-serif;white-space:pre-wrap">${escapeHtml(text)}</pre></body></html>`;
}

/** The message nodemailer sends for a batch (exported for dry runs and tests). */
export function emailMessage(
  target: Omit<EmailTarget, 'smtpUrl'>,
  events: readonly NotifyEvent[],
): Nodemailer.SendMailOptions {
  const weekly = events.find((e) => e.type === 'weekly_security_report' && e.reports?.length);
  const id = createHash('sha256')
    .update(events.map((e) => e.id).join(','))
    .digest('hex')
    .slice(0, 32);
  const message: Nodemailer.SendMailOptions = {
    from: target.from,
    to: target.recipients,
    subject: batchTitle(events).slice(0, 200),
    // The idempotency key as Message-ID: a retried mail is recognisably the same mail.
    messageId: `<${id}@customs>`,
    text: batchText(events),
    html: batchHtml(events),
  };
  if (weekly) {
    const reports = weekly.reports!;
    message.html = htmlFromJson(reports, { title: weekly.summary });
    message.attachments = [
      {
        filename: 'customs-report.json',
        contentType: 'application/json',
        content: JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2),
      },
    ];
  }
  return message;
}

export async function sendEmail(target: EmailTarget, events: readonly NotifyEvent[]): Promise<void> {
  const transport = nodemailer().createTransport(transportOptions(target) as Nodemailer.TransportOptions);
  try {
    await transport.sendMail(emailMessage(target, events));
  } catch (e) {
    const err = e as Error & { code?: string; responseCode?: number };
    throw new DeliveryError(
      `SMTP: ${err.code ?? 'error'}${err.responseCode ? ` ${err.responseCode}` : ''}: ${err.message}`,
    );
  } finally {
    transport.close();
  }
}
