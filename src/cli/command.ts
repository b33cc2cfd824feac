// What a command is: its options, its positional arguments and what it does.
import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/log.js';

export interface OptionSpec {
  /** Single letter, without the dash. */
  short?: string;
  /** Long name, without the dashes; also the key under which the parsed value is stored. */
  long: string;
  /** The placeholder of the value this option takes; absent for flags. */
  value?: string;
  /** Values accumulate in order instead of the last one winning. */
  repeatable?: boolean;
  help: string;
}

export interface PositionalSpec {
  min: number;
  /** Absent: no upper bound. */
  max?: number;
  /** Extra positional arguments are ignored instead of rejected (`list`). */
  ignoreExtra?: boolean;
}

export interface ParsedArguments {
  /** Flags map to true, single-value options to their last value, repeatable ones to every value in order. */
  options: Map<string, true | string | string[]>;
  /** Positional arguments; for start/exec/batch everything after the container passes through untouched. */
  args: string[];
}

export interface CommandContext {
  /** Loads (once) and returns the settings. */
  settings(): Settings;
  log: Logger;
  stdout: NodeJS.WritableStream;
}

export interface Command {
  name: string;
  /** Everything after `enroot <name>` in the usage line. */
  synopsis: string;
  description: string;
  options: OptionSpec[];
  positionals: PositionalSpec;
  /** Extra usage block (the URI schemes of import, digest and load). */
  schemes?: readonly (readonly [string, string])[];
  /** When false, arguments are not parsed at all and --help is not recognised (`version`, `help`). */
  parsesArguments?: boolean;
  run(parsed: ParsedArguments, context: CommandContext): Promise<number>;
}

export function flag(parsed: ParsedArguments, long: string): boolean {
  return parsed.options.get(long) === true;
}

export function optionValue(parsed: ParsedArguments, long: string): string | undefined {
  const value = parsed.options.get(long);
  return typeof value === 'string' ? value : undefined;
}

export function optionValues(parsed: ParsedArguments, long: string): string[] {
  const value = parsed.options.get(long);
  return Array.isArray(value) ? value : [];
}
