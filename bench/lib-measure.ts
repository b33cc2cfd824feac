// Shared by the import and create benchmarks: timing a command under GNU time (wall and CPU time, peak RSS),
// watching how many bytes of temporary files it leaves in given directories meanwhile, the decompression
// floor, medians, budget lines and command-line values.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, lstatSync, mkdtempSync, readdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Measured {
  seconds: number;
  /** User + system CPU time, children included (steadier than wall time on a busy machine). */
  cpuSeconds: number;
  peakRssBytes: number;
  /** The most bytes ever seen at once in the watched directories (0 when none are watched). */
  peakTemporaryBytes: number;
}

export interface MeasureOptions {
  env?: NodeJS.ProcessEnv;
  /** Directories whose files count as temporary, except names for which `isTemporary` says false. */
  watch?: string[];
  isTemporary?: (name: string) => boolean;
}

const WATCH_INTERVAL_MS = 25;

/** Resolves when `child` exits with status 0; rejects otherwise. */
export function exited(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`))));
  });
}

/** Bytes of the files below `directory` that `isTemporary` accepts (0 when it does not exist). */
function temporaryBytes(directory: string, isTemporary: (name: string) => boolean): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return 0;
  }
  for (const name of names) {
    const path = join(directory, name);
    try {
      const stat = lstatSync(path);
      if (stat.isDirectory()) total += temporaryBytes(path, isTemporary);
      else if (isTemporary(name)) total += stat.blocks * 512;
    } catch {
      // removed while we looked
    }
  }
  return total;
}

/** Runs `command` under GNU time; its output is shown only when it fails. */
export async function measure(command: string, args: string[], options: MeasureOptions = {}): Promise<Measured> {
  const scratch = mkdtempSync('/dev/shm/enroot-bench-time-');
  const report = join(scratch, 'time.txt');
  const log = join(scratch, 'log.txt');
  const isTemporary = options.isTemporary ?? (() => true);
  let peakTemporaryBytes = 0;
  const watch = (): void => {
    const bytes = (options.watch ?? []).reduce((sum, directory) => sum + temporaryBytes(directory, isTemporary), 0);
    peakTemporaryBytes = Math.max(peakTemporaryBytes, bytes);
  };
  try {
    const logFd = openSync(log, 'w');
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', report, command, ...args], { stdio: ['ignore', logFd, logFd], env: options.env ?? process.env });
    closeSync(logFd);
    const timer = options.watch ? setInterval(watch, WATCH_INTERVAL_MS) : undefined;
    try {
      await exited(child, command);
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${readFileSync(log, 'utf8').slice(-2000)}`);
    } finally {
      clearInterval(timer);
    }
    const [seconds, user, system, rssKiB] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    return { seconds: seconds!, cpuSeconds: user! + system!, peakRssBytes: rssKiB! * 1024, peakTemporaryBytes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The word after `name` on the command line, if `name` is there. */
export function commandLineValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Decompresses every blob once, `parallel` `gzip -dc` at a time (xargs -P), output discarded. */
export async function decompressionFloor(blobs: string[], parallel: number): Promise<Measured> {
  const scratch = mkdtempSync('/dev/shm/enroot-bench-floor-');
  try {
    const list = join(scratch, 'blobs');
    writeFileSync(list, blobs.join('\n'));
    return await measure('xargs', ['-a', list, '-d', '\n', '-P', String(parallel), '-n', '1', 'sh', '-c', 'exec gzip -dc "$0" >/dev/null']);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const seconds = (value: number): string => `${value.toFixed(2)} s`;
export const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** `label: figure (budget <= limit) PASS|FAIL`. */
export function budgetLine(label: string, value: number, limit: number, format: (value: number) => string, limitText = format(limit)): string {
  return `${label.padEnd(34)} ${format(value).padStart(10)}   budget <= ${limitText}   ${value <= limit ? 'PASS' : 'FAIL'}`;
}
