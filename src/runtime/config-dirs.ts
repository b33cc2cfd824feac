// The configuration directories of a start (spec 11.1): `environ.d/*.env`, `mounts.d/*.fstab` and
// `hooks.d/*.sh`, system directory first, then the user's, each sorted by name.
import fs from 'node:fs';
import path from 'node:path';

export interface ConfigDirectories {
  sysconf: string;
  config: string;
}

export function configFiles(dirs: ConfigDirectories, subdir: string, extension: string): string[] {
  return [dirs.sysconf, dirs.config].flatMap((base) => {
    const dir = path.join(base, subdir);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => name.endsWith(extension))
      .sort()
      .map((name) => path.join(dir, name));
  });
}

/** The content of a regular file, or null for anything else (a missing file, a directory, a FIFO). */
export function readRegularFile(file: string): string | null {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : null;
  } catch {
    return null;
  }
}
