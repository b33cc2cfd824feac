// Directories are created when a command needs them, not at start-up, so `enroot version` and
// `enroot info` work where XDG_RUNTIME_DIR is missing or unwritable.
import fs from 'node:fs';
import { EnrootError } from '../errors.js';
import type { Settings } from './settings.js';

/** Creates the directory named by a path setting (mode 0700 for anything new) and returns it. */
export function ensureSettingDirectory(settings: Settings, name: string): string {
  const dir = settings.path(name);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new EnrootError(`Could not create directory ${dir} (${code}): set ${name} to a writable directory`);
  }
  return dir;
}
