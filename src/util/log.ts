/**
 * Logging to stderr. stdout belongs to the report alone, so every message,
 * warning and progress line goes through here.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class StderrLogger implements Logger {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly quiet = false,
  ) {}
  private write(level: LogLevel, msg: string): void {
    if (order[level] < order[this.level]) return;
    if (this.quiet && level !== 'error') return;
    process.stderr.write(`${new Date().toISOString()}\t${level.toUpperCase()}\t${msg}\n`);
  }
  debug(msg: string): void {
    this.write('debug', msg);
  }
  info(msg: string): void {
    this.write('info', msg);
  }
  warn(msg: string): void {
    this.write('warn', msg);
  }
  error(msg: string): void {
    this.write('error', msg);
  }
}

/** Collects messages in memory; used by the library API and by tests. */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; msg: string }[] = [];
  debug(msg: string): void {
    this.lines.push({ level: 'debug', msg });
  }
  info(msg: string): void {
    this.lines.push({ level: 'info', msg });
  }
  warn(msg: string): void {
    this.lines.push({ level: 'warn', msg });
  }
  error(msg: string): void {
    this.lines.push({ level: 'error', msg });
  }
  warnings(): string[] {
    return this.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
