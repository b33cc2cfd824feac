// Directories are created when a command needs them, not at start-up, so `enroot version` and
// `enroot info` work where XDG_RUNTIME_DIR is missing or unwritable.
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';
import type { Settings } from './settings.js';

/**
 * `mkdir -p` with mode 0700 for every directory it creates. Written out because Node's recursive
 * mkdir never returns for some unwritable parents (it retries forever under /proc).
 */
export function makeDirectories(dir: string): void {
  try {
    makeDirectory(dir);
  } catch (err) {
    const parent = path.dirname(dir);
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw err;
    makeDirectories(parent);
    makeDirectory(dir);
  }
}

/** One mkdir; a directory that already exists (perhaps made by a concurrent command) is fine. */
function makeDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(dir).isDirectory()) throw err;
  }
}

/** Creates the directory named by a path setting (mode 0700 for anything new) and returns it. */
export function ensureSettingDirectory(settings: Settings, name: string): string {
  const dir = settings.path(name);
  try {
    makeDirectories(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new EnrootError(`Could not create directory ${dir} (${code}): set ${name} to a writable directory`);
  }
  return dir;
}
