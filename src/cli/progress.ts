/** A one-line progress display on stderr, shown only on a terminal. */
export interface Progress {
  update(text: string): void;
  done(): void;
}

export function createProgress(enabled: boolean): Progress {
  const tty = enabled && process.stderr.isTTY === true;
  if (!tty) return { update() {}, done() {} };
  let shown = false;
  return {
    update(text: string) {
      process.stderr.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
