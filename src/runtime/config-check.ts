// Checks a --conf or batch script before anything runs (spec 9.2): a regular file that bash can parse.
import { childProcess } from '../lazy-builtins.js';
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';
import type { Logger } from '../log/log.js';

export function checkConfigScript(file: string, log: Logger): string {
  let resolved: string;
  try {
    resolved = fs.realpathSync(file);
    if (!fs.statSync(resolved).isFile()) throw new Error('not a regular file');
  } catch {
    throw new EnrootError(`No such file or directory: ${path.resolve(file)}`);
  }
  const check = childProcess().spawnSync('bash', ['-n', resolved], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (check.error !== undefined) throw new EnrootError('Command not found: bash (configuration scripts need it)');
  if (check.status !== 0) {
    for (const line of check.stderr.split('\n')) if (line !== '') log.warn(line);
    throw new EnrootError(`Invalid argument: ${resolved} is not a valid bash script`);
  }
  return resolved;
}

/** The --rc script: a regular file (symlinks followed) or a named pipe. */
export function checkRcScript(file: string): string {
  try {
    if (fs.statSync(file).isFIFO()) return path.resolve(file);
    const resolved = fs.realpathSync(file);
    if (fs.statSync(resolved).isFile()) return resolved;
  } catch {
    // reported below
  }
  throw new EnrootError(`No such file or directory: ${path.resolve(file)}`);
}
