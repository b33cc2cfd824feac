// Finding the host programs the runtime runs (unshare, squashfuse, fuse-overlayfs, nsenter, bash).
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';

export function findProgram(name: string, searchPath: string | undefined): string {
  for (const dir of (searchPath ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  throw new EnrootError(`Command not found: ${name} (install it or add its directory to PATH)`);
}
