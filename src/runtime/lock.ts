// Serialises the setup of concurrent starts of one container directory (spec 9.5 step 6) with an
// exclusive flock on the directory itself: no lock file, no write access to the rootfs needed.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnrootError } from '../errors.js';
import { tryLockExclusive } from '../sys/files.js';

const TIMEOUT_MS = 30_000;
const RETRY_MS = 20;

/** Takes the lock (waiting up to 30 s) and returns the descriptor that holds it. */
export async function lockRootfs(dir: string): Promise<number> {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  const deadline = Date.now() + TIMEOUT_MS;
  while (!tryLockExclusive(fd, `lock ${dir}`)) {
    if (Date.now() > deadline) {
      fs.closeSync(fd);
      throw new EnrootError(`Could not acquire rootfs lock: another start of ${dir} has been setting up for 30 s`);
    }
    await sleep(RETRY_MS);
  }
  return fd;
}

export function unlockRootfs(fd: number): void {
  fs.closeSync(fd);
}
