// Container names (spec 8): a single path component inside ENROOT_DATA_PATH. Unlike the reference,
// `.`, `..` and names starting with `-` are refused, so nothing outside the data directory is reachable.
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';

export function validateName(name: string): void {
  if (name === '') throw new EnrootError('Invalid argument: empty container name');
  if (name.includes('/') || name === '.' || name === '..' || name.startsWith('-')) {
    throw new EnrootError(`Invalid argument: ${name} (a container name is one file name inside ENROOT_DATA_PATH, not a path)`);
  }
}

/**
 * The directory of container `name`, which must lie directly inside `dataDir` once symlinks are resolved.
 */
export function containerDirectory(dataDir: string, name: string): string {
  validateName(name);
  const given = path.join(dataDir, name);
  let resolved: string;
  try {
    resolved = fs.realpathSync(given);
  } catch {
    throw new EnrootError(`No such file or directory: ${given}`);
  }
  if (!fs.statSync(resolved).isDirectory()) throw new EnrootError(`No such file or directory: ${given}`);
  const data = fs.realpathSync(dataDir);
  if (path.dirname(resolved) !== data) {
    throw new EnrootError(`Invalid argument: ${given} leads to ${resolved}, outside ${data}`);
  }
  return resolved;
}
