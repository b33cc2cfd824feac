// Command-line parsing shared by every command (spec 1.2): options come first and parsing stops at `--`
// or at the first argument that is not an option; `-x VALUE`, `--long VALUE` and `--long=VALUE` forms;
// values must be non-empty (a value may start with `-`); no attached short values or bundled flags.
import { UsageError } from '../errors.js';
import type { Command, OptionSpec, ParsedArguments } from './command.js';

/** Thrown when -h/--help is given: the caller prints the usage and exits 0. */
export class HelpRequested extends Error {}

function findOption(command: Command, argument: string): { spec: OptionSpec; inlineValue?: string } | undefined {
  if (argument.startsWith('--')) {
    const eq = argument.indexOf('=');
    const name = eq < 0 ? argument.slice(2) : argument.slice(2, eq);
    const spec = command.options.find((option) => option.long === name);
    if (spec === undefined) return undefined;
    return eq < 0 ? { spec } : { spec, inlineValue: argument.slice(eq + 1) };
  }
  if (argument.length !== 2) return undefined;
  const spec = command.options.find((option) => option.short === argument[1]);
  return spec === undefined ? undefined : { spec };
}

function storeValue(parsed: ParsedArguments, spec: OptionSpec, value: string): void {
  if (spec.repeatable !== true) {
    parsed.options.set(spec.long, value);
    return;
  }
  const existing = parsed.options.get(spec.long);
  parsed.options.set(spec.long, Array.isArray(existing) ? [...existing, value] : [value]);
}

export function parseArguments(command: Command, argv: readonly string[]): ParsedArguments {
  const parsed: ParsedArguments = { options: new Map(), args: [] };
  let index = 0;
  while (index < argv.length) {
    const argument = argv[index] as string;
    if (argument === '--') {
      index += 1;
      break;
    }
    if (!argument.startsWith('-') || argument === '-') break;
    if (argument === '-h' || argument === '--help') throw new HelpRequested();
    const found = findOption(command, argument);
    if (found === undefined) throw new UsageError(`Unknown option: ${argument}`);
    const { spec, inlineValue } = found;
    index += 1;
    if (spec.value === undefined) {
      if (inlineValue !== undefined) throw new UsageError(`Option --${spec.long} takes no value`);
      parsed.options.set(spec.long, true);
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      value = argv[index];
      index += 1;
    }
    if (value === undefined || value === '') throw new UsageError(`Option ${argument.split('=')[0]} needs a ${spec.value} value`);
    storeValue(parsed, spec, value);
  }
  parsed.args = argv.slice(index);
  const { min, max, ignoreExtra } = command.positionals;
  if (parsed.args.length < min) throw new UsageError('Missing argument');
  if (max !== undefined && parsed.args.length > max) {
    if (ignoreExtra === true) parsed.args = parsed.args.slice(0, max);
    else throw new UsageError(`Unexpected argument: ${parsed.args[max]}`);
  }
  return parsed;
}
