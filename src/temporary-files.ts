// Names for outputs under construction, and the clean-up of ones a killed command left behind.
// A temporary sibling of OUTPUT is `.OUTPUT.enroot-tmp-HOST-PID-RANDOM`: the host and PID tell a later
// command whether its writer is gone (SIGKILL, power loss) so it can be removed, while one still being
// written by a live process, here or on another host sharing the directory, is left alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

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
