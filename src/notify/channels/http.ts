/**
 * The one HTTP POST every web channel makes: bounded in time and in the
 * response read, a 429's Retry-After honoured, and no URL or header in any
 * error (the caller masks the rest with its Redactor).
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** When the receiver said when to come back (429 Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

const TIMEOUT_MS = 15_000;
const MAX_RESPONSE_CHARS = 2000;

export interface PostResult {
  status: number;
  body: string;
}

function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.min(3_600_000, Math.max(0, seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.min(3_600_000, Math.max(0, at - Date.now()));
}

/** POSTs the body; a non-2xx answer is a DeliveryError naming the status and the start of the answer. */
export async function post(
  what: string,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as Error).cause as NodeJS.ErrnoException | undefined;
    throw new DeliveryError(`${what}: ${cause?.code ?? (e as Error).name}: ${cause?.message ?? (e as Error).message}`);
  }
  const text = (await res.text()).slice(0, MAX_RESPONSE_CHARS);
  if (res.status < 200 || res.status > 299)
    throw new DeliveryError(
      `${what}: HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`,
      res.status === 429 || res.status === 503 ? retryAfter(res.headers.get('retry-after')) : undefined,
    );
  return { status: res.status, body: text };
}
