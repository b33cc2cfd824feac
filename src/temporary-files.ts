// Outputs under construction: their temporary names, writing a file whole or not at all, clean-up on
// interruption, and the removal of what a killed command left behind.
// A temporary sibling of OUTPUT is `.OUTPUT.enroot-tmp-HOST-PID-RANDOM`: the host and PID tell a later
// command whether its writer is gone (SIGKILL, power loss) so it can be removed, while one still being
// written by a live process, here or on another host sharing the directory, is left alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EnrootError, errorText } from './errors.js';
import { log } from './log/log.js';

const MARKER = '.enroot-tmp-';

function hostTag(): string {
  return os.hostname().replace(/[^A-Za-z0-9.]/g, '_');
}

/** A fresh temporary path next to `target`. */
export function temporarySibling(target: string): string {
  const name = `.${path.basename(target)}${MARKER}${hostTag()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  return path.join(path.dirname(target), name);
}

/** True while a process with this PID exists (EPERM: it exists, owned by someone else). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary entries in `dir` whose writer on this host no longer runs; returns how many. */
export function removeStaleTemporaries(dir: string, remove: (entry: string) => void): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  const pattern = new RegExp(`^\\..*${MARKER.replace(/[.]/g, '\\.')}${hostTag().replace(/[.]/g, '\\.')}-(\\d+)-[0-9a-f]+`);
  let removed = 0;
  for (const name of names) {
    const pid = pattern.exec(name)?.[1];
    if (pid === undefined || processIsAlive(Number(pid))) continue;
    remove(path.join(dir, name));
    removed += 1;
  }
  return removed;
}

/** unlink that ignores an already missing file. */
export function removeFile(file: string): void {
  fs.rmSync(file, { force: true });
}

/**
 * Runs `cleanup` if the process is interrupted (SIGINT, SIGTERM; the signal is raised again afterwards) or
 * exits before the returned function is called.
 */
export function cleanUpOnInterrupt(cleanup: () => void): () => void {
  // On the way out, a clean-up that fails is reported in one line; it must not throw from an exit handler.
  const cleanUpQuietly = (): void => {
    try {
      cleanup();
    } catch (err) {
      log.warn(errorText(err));
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    stop();
    cleanUpQuietly();
    process.kill(process.pid, signal);
  };
  const stop = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', cleanUpQuietly);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', cleanUpQuietly);
  return stop;
}

/**
 * Writes `output` whole or not at all: `write` fills a temporary sibling, which is then published under the
 * final name. Without `replace`, link(2) publishes it only if nothing took the name meanwhile (a concurrent
 * command writing the same output), where rename(2) would silently replace that. The temporary file goes on
 * failure and on SIGINT/SIGTERM; leftovers of killed commands in the same directory are removed first.
 */
export async function writeFileAtomically(output: string, replace: boolean, write: (temporary: string) => Promise<void>): Promise<void> {
  removeStaleTemporaries(path.dirname(output), removeFile);
  const temporary = temporarySibling(output);
  const stopCleanup = cleanUpOnInterrupt(() => removeFile(temporary));
  try {
    await write(temporary);
    await publishFile(temporary, output, replace);
  } catch (err) {
    removeFile(temporary);
    throw err;
  } finally {
    stopCleanup();
  }
}

async function publishFile(temporary: string, output: string, replace: boolean): Promise<void> {
  if (replace) {
    await fs.promises.rename(temporary, output);
    return;
  }
  try {
    await fs.promises.link(temporary, output);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new EnrootError(`File already exists: ${output}`);
    throw err;
  }
  removeFile(temporary);
}
