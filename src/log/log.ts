// Log lines on stderr: `[INFO] message`, `[WARN] message`, `[ERROR] message`.
// Only the prefix is coloured, and only when the stream is a terminal that reports at least 15 colours.

export type Level = 'INFO' | 'WARN' | 'ERROR';

/** The minimal stream surface the logger needs (process.stderr, or a test double). */
export interface LogStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  hasColors?(count?: number): boolean;
}

const PREFIX_COLOURS: Record<Level, string> = {
  INFO: '\x1b[94m', // bright blue (colour 12)
  WARN: '\x1b[33m', // yellow (colour 3)
  ERROR: '\x1b[31m', // red (colour 1)
};
const RESET = '\x1b[0m';

export function streamHasColours(stream: LogStream): boolean {
  return stream.isTTY === true && typeof stream.hasColors === 'function' && stream.hasColors(15);
}

export class Logger {
  private colour: boolean | undefined;

  /** Without a stream, process.stderr on first use: creating it loads Node's stream modules, which a start that logs nothing skips. */
  constructor(private streamGiven?: LogStream) {}

  private get stream(): LogStream {
    return (this.streamGiven ??= process.stderr);
  }

  /** True when the stream is a terminal: progress bars and the blank lines that follow them go there. */
  get interactive(): boolean {
    return this.stream.isTTY === true;
  }

  format(level: Level, message: string): string {
    this.colour ??= streamHasColours(this.stream);
    const prefix = this.colour ? `${PREFIX_COLOURS[level]}[${level}]${RESET}` : `[${level}]`;
    return `${prefix} ${message}\n`;
  }

  info(message: string): void {
    this.stream.write(this.format('INFO', message));
  }

  warn(message: string): void {
    this.stream.write(this.format('WARN', message));
  }

  error(message: string): void {
    this.stream.write(this.format('ERROR', message));
  }
}

/** The process-wide logger on stderr. */
export const log = new Logger();
