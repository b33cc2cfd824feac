// Reading configuration files: the line syntax of spec 2.2 (`KEY value`, `KEY=value`, `KEY = value`),
// the syntax check every non-empty file must pass, and the list of drop-ins.
import fs from 'node:fs';
import path from 'node:path';
import { childProcess } from '../lazy-builtins.js';
import { EnrootError } from '../errors.js';
import { isAcceptedKey } from './keys.js';

export interface ConfigAssignment {
  key: string;
  /** The unexpanded value text. */
  raw: string;
  file: string;
  line: number;
}

/**
 * Splits one line the way `read KEY VALUE` with IFS=" \t=" does: leading blanks skipped, the key up to
 * the first blank or `=`, then one separator run (blanks, at most one `=`, blanks), the rest is the value.
 */
export function splitConfigLine(line: string): { key: string; raw: string } | null {
  const match = /^[ \t]*([^ \t=]+)[ \t]*=?[ \t]*(.*?)[ \t]*$/.exec(line);
  if (match === null) return null;
  return { key: match[1] as string, raw: match[2] as string };
}

/** The assignments of accepted keys in a configuration text, in order. */
export function parseConfigText(text: string, file: string): ConfigAssignment[] {
  const assignments: ConfigAssignment[] = [];
  text.split('\n').forEach((line, index) => {
    const split = splitConfigLine(line);
    if (split !== null && isAcceptedKey(split.key)) assignments.push({ ...split, file, line: index + 1 });
  });
  return assignments;
}

/** The `#ENROOT_...` directive lines of a configuration script or batch file, `#` removed (spec 2.5). */
export function parseDirectives(text: string, file: string): ConfigAssignment[] {
  const assignments: ConfigAssignment[] = [];
  text.split('\n').forEach((line, index) => {
    if (!/^#\s*ENROOT_/.test(line)) return;
    const split = splitConfigLine(line.slice(1));
    if (split !== null && isAcceptedKey(split.key)) assignments.push({ ...split, file, line: index + 1 });
  });
  return assignments;
}

/** A non-empty configuration file must be valid shell syntax, as in the reference (checked with `bash -n`). */
export function checkShellSyntax(file: string): void {
  const result = childProcess().spawnSync('bash', ['-n', file], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.error !== undefined) return; // no bash on this host: nothing to check against
  if (result.status !== 0) {
    const detail = result.stderr.trim().split('\n')[0] ?? '';
    throw new EnrootError(`Invalid configuration file: ${file}${detail === '' ? '' : ` (${detail})`}`);
  }
}

/** The system file followed by `<file>.d/*.conf` in name order; only files that exist. */
export function configurationFiles(mainFile: string): string[] {
  const files: string[] = [];
  if (isFile(mainFile)) files.push(mainFile);
  const dropInDir = `${mainFile}.d`;
  let names: string[] = [];
  try {
    names = fs.readdirSync(dropInDir);
  } catch {
    return files;
  }
  for (const name of names.filter((n) => n.endsWith('.conf')).sort()) {
    const file = path.join(dropInDir, name);
    if (isFile(file)) files.push(file);
  }
  return files;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Reads a configuration file, checking its syntax when it is not empty. */
export function readConfigFile(file: string): ConfigAssignment[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new EnrootError(`Could not read configuration file: ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text.trim() !== '') checkShellSyntax(file);
  return parseConfigText(text, file);
}
