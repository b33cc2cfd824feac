// `enroot remove` (spec 8.4): delete container directories inside ENROOT_DATA_PATH after asking,
// never crossing into a mounted filesystem, making read-only directories writable as it goes.
import fs from 'node:fs';
import path from 'node:path';
import tty from 'node:tty';
import { EnrootError } from '../errors.js';
import { containerDirectory } from './names.js';

/** One line from standard input, or null at end of input. */
function readAnswer(): string | null {
  const byte = Buffer.alloc(1);
  let line = '';
  for (;;) {
    let count: number;
    try {
      count = fs.readSync(0, byte, 0, 1, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      return null;
    }
    if (count === 0) return line === '' ? null : line;
    if (byte[0] === 0x0a) return line;
    line += String.fromCharCode(byte[0] as number);
  }
}

function confirm(dir: string): boolean {
  if (tty.isatty(0)) process.stderr.write(`Do you really want to delete ${dir}? [y/N] `);
  const answer = readAnswer();
  if (answer === null) throw new EnrootError(`No answer to the confirmation for ${dir} (standard input ended): use --force to remove without asking`);
  return answer === 'y' || answer === 'Y';
}

/** Deletes `root` recursively; refuses to descend into another filesystem mounted inside it. */
function removeTree(root: string): void {
  const device = fs.lstatSync(root).dev;
  const remove = (entry: string): void => {
    const stat = fs.lstatSync(entry);
    if (!stat.isDirectory()) {
      fs.unlinkSync(entry);
      return;
    }
    if (stat.dev !== device) throw new EnrootError(`Refusing to remove ${entry}: another filesystem is mounted there (unmount it first)`);
    if ((stat.mode & 0o700) !== 0o700) fs.chmodSync(entry, (stat.mode & 0o7777) | 0o700);
    for (const name of fs.readdirSync(entry)) remove(path.join(entry, name));
    fs.rmdirSync(entry);
  };
  try {
    remove(root);
  } catch (err) {
    if (err instanceof EnrootError) throw err;
    const failure = err as NodeJS.ErrnoException;
    throw new EnrootError(`Could not remove ${failure.path ?? root}: ${failure.code ?? failure.message}`);
  }
}

export function removeContainers(dataDir: string, names: readonly string[], force: boolean): void {
  for (const name of names) {
    const dir = containerDirectory(dataDir, name);
    if (force || confirm(dir)) removeTree(dir);
  }
}
