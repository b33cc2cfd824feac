// Progress reporting for long steps (downloads, image writing). On a terminal it draws one bar that is
// redrawn in place at most ten times a second; anywhere else it prints nothing, so logs stay clean.
import type { LogStream } from './log.js';

export type ProgressUnit = 'bytes' | 'items';

export interface Progress {
  /** Add to the amount done so far. */
  advance(amount: number): void;
  /** Change the expected total (for example once all sizes are known). */
  setTotal(total: number): void;
  /** Draw the final state and end the line. Safe to call more than once. */
  done(): void;
}

export interface ProgressOptions {
  total: number;
  unit: ProgressUnit;
  stream?: LogStream & { columns?: number };
  /** Injected clock, milliseconds; tests use it. */
  now?: () => number;
}

const REDRAW_INTERVAL_MS = 100;
const BAR_WIDTH = 30;

export function formatAmount(amount: number, unit: ProgressUnit): string {
  if (unit === 'items') return String(Math.round(amount));
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = amount;
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  return index === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[index]}`;
}

/** One rendered bar line, without the leading carriage return. Pure, for tests. */
export function renderBar(label: string, done: number, total: number, unit: ProgressUnit, elapsedMs: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = '#'.repeat(filled) + ' '.repeat(BAR_WIDTH - filled);
  const percent = String(Math.floor(fraction * 100)).padStart(3);
  let line = `${label} [${bar}] ${percent}% ${formatAmount(done, unit)}/${formatAmount(total, unit)}`;
  if (unit === 'bytes' && elapsedMs > 0) line += ` ${formatAmount((done * 1000) / elapsedMs, unit)}/s`;
  return line;
}

/** Bars share one terminal line: a bar started while another is drawn waits, counting, until that one is done. */
const waiting: TerminalProgress[] = [];
let drawn: TerminalProgress | undefined;

class TerminalProgress implements Progress {
  private amount = 0;
  private lastDraw = -Infinity;
  private finished = false;
  private readonly started: number;

  constructor(
    private readonly label: string,
    private total: number,
    private readonly unit: ProgressUnit,
    private readonly stream: LogStream & { columns?: number },
    private readonly now: () => number,
  ) {
    this.started = now();
    if (drawn === undefined) drawn = this;
    else waiting.push(this);
    this.draw(true);
  }

  advance(amount: number): void {
    this.amount += amount;
    this.draw(false);
  }

  setTotal(total: number): void {
    this.total = total;
    this.draw(false);
  }

  done(): void {
    if (this.finished) return;
    if (drawn !== this) {
      this.finished = true;
      waiting.splice(waiting.indexOf(this), 1);
      return;
    }
    this.draw(true);
    this.finished = true;
    this.stream.write('\n');
    drawn = waiting.shift();
    drawn?.draw(true);
  }

  private draw(force: boolean): void {
    if (this.finished || drawn !== this) return;
    const time = this.now();
    if (!force && time - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = time;
    let line = renderBar(this.label, this.amount, this.total, this.unit, time - this.started);
    const width = this.stream.columns;
    if (width !== undefined && width > 1 && line.length >= width) line = line.slice(0, width - 1);
    this.stream.write(`\r${line}\x1b[K`);
  }
}

const SILENT: Progress = { advance() {}, setTotal() {}, done() {} };

/** A progress bar on a terminal, nothing otherwise. */
export function startProgress(label: string, options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) return SILENT;
  return new TerminalProgress(label, options.total, options.unit, stream, options.now ?? Date.now);
}
