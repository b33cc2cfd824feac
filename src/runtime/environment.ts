// The container environment file: normalisation (spec 9.7) and loading it as a process environment.
import { EnrootError } from '../errors.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const QUOTED = /^([A-Za-z_][A-Za-z0-9_]*=)["'](.*)["'][ \t]*$/;

/** One normalised line, or null when the line is dropped. */
export function normaliseLine(line: string): string | null {
  const trimmed = line.replace(/^[ \t]+/, '');
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  if (!ASSIGNMENT.test(trimmed) || trimmed.startsWith('ENROOT_')) return null;
  const quoted = QUOTED.exec(trimmed);
  return quoted === null ? trimmed : `${quoted[1]}${quoted[2]}`;
}

export function normaliseEnvironment(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const normalised = normaliseLine(line);
    if (normalised !== null) lines.push(normalised);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The variables of an environment file: later lines win; lines without a valid `NAME=` are skipped. */
export function loadEnvironment(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const name = NAME.exec(line)?.[0];
    if (name === undefined || line[name.length] !== '=') continue;
    env[name] = line.slice(name.length + 1);
  }
  return env;
}

/** A `--env` value as an environment line: `KEY=VAL` as given, bare `KEY` takes the caller's value. */
export function environmentArgument(value: string, lookup: (name: string) => string | undefined): string {
  const line = value.includes('=') ? value : `${value}=${lookup(value) ?? ''}`;
  // A newline would start a second variable in the environment file.
  if (line.includes('\n')) throw new EnrootError(`Invalid argument: ${value.replace(/\n/g, '\\n')} (a --env value must fit on one line)`);
  return line;
}

/** The `--env` rule of spec 9.2: a variable name, optionally followed by `=` and anything. */
export function isValidEnvironmentArgument(value: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*(=|$)/.test(value);
}
