/**
 * A failure the user can act on: the message names the input (image, blob,
 * file) and says what to do. The CLI prints `message` on one line and exits 1.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message} (${hint})` : message);
    this.name = 'UserError';
  }
}

/** A bound (size, count, ratio, depth, time) was exceeded. Names the limit and its flag. */
export class LimitError extends UserError {
  constructor(
    what: string,
    readonly limitName: string,
    readonly limit: number,
    hint?: string,
  ) {
    super(`${what}: exceeds ${limitName} (${limit})`, hint);
    this.name = 'LimitError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
