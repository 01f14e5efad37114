/**
 * Recomputes an AWS Signature Version 4 the way the service does, from the
 * request as received (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
 * canonical request (method, URI, sorted query, the signed headers lowercased
 * and trimmed, the payload's SHA-256), string to sign, the signing key derived
 * from the secret by date, region and service, and the HMAC compared with the
 * Signature in the Authorization header.
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

export interface SigV4Check {
  ok: boolean;
  reason?: string;
  accessKeyId?: string;
  region?: string;
  service?: string;
}

export function verifySigV4(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  secretFor: (accessKeyId: string) => string | undefined,
): SigV4Check {
  const auth = String(headers.authorization ?? '');
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return { ok: false, reason: 'no SigV4 Authorization header' };
  const [, akid, date, region, service, signedHeaders, signature] = m as unknown as string[];
  const secret = secretFor(akid!);
  if (!secret) return { ok: false, reason: 'unknown access key' };
  const amzDate = String(headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date!)) return { ok: false, reason: 'x-amz-date does not match the credential scope' };
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date'))
    return { ok: false, reason: 'host and x-amz-date must be signed' };
  const u = new URL(url, 'http://placeholder');
  const query = [...u.searchParams]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const payloadHash = sha256(body);
  if (headers['x-amz-content-sha256'] && headers['x-amz-content-sha256'] !== payloadHash)
    return { ok: false, reason: 'x-amz-content-sha256 is not the body hash' };
  const canonical = [method, u.pathname, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  return expected === signature
    ? { ok: true, accessKeyId: akid, region, service }
    : { ok: false, reason: 'signature mismatch' };
}
