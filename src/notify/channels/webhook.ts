/**
 * Generic webhooks: each event one CloudEvents 1.0 event in structured
 * content mode (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md:
 * `application/cloudevents+json`, the attributes and `data` in one JSON
 * object), so receivers can route events anywhere. With a secret, the raw
 * body is signed: `X-Customs-Signature: sha256=<hex HMAC-SHA256(secret, body)>`.
 * The CloudEvents `id` is the event's idempotency key, also sent as
 * `X-Customs-Delivery`, so a receiver can drop a retried duplicate.
 */
import { createHmac } from 'node:crypto';
import type { NotifyEvent } from '../events.js';
import { post } from './http.js';

export const SIGNATURE_HEADER = 'X-Customs-Signature';

export function cloudEvent(event: NotifyEvent): Record<string, unknown> {
  const { reports: _reports, ...data } = event;
  return {
    specversion: '1.0',
    id: event.id,
    source: 'urn:customs',
    type: `dev.customs.${event.type}`,
    subject: event.repository,
    time: event.time,
    datacontenttype: 'application/json',
    data,
  };
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function sendWebhook(url: string, secret: string | undefined, event: NotifyEvent): Promise<void> {
  const body = JSON.stringify(cloudEvent(event));
  const headers: Record<string, string> = {
    'content-type': 'application/cloudevents+json; charset=utf-8',
    'x-customs-delivery': event.id,
  };
  if (secret) headers[SIGNATURE_HEADER.toLowerCase()] = signature(secret, body);
  await post('webhook', url, body, headers);
}
