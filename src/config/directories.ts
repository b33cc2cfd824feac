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
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && fs.statSync(dir).isDirectory()) return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    makeDirectories(parent);
    fs.mkdirSync(dir, { mode: 0o700 });
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
