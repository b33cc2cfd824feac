// The entry point: picks the command, parses its arguments, runs it, and turns failures into
// one `[ERROR]` line and exit status 1.
import { EnrootError, failureMessage, UsageError } from '../errors.js';
import { log } from '../log/log.js';
import { Settings } from '../config/settings.js';
import type { Command, CommandContext, ParsedArguments } from './command.js';
import { findCommand } from './catalog.js';
import { HelpRequested, parseArguments } from './parse.js';
import { commandUsage, generalUsage } from './usage.js';

function createContext(): CommandContext & { loadedSettings(): Settings | undefined } {
  let settings: Settings | undefined;
  return {
    settings: () => (settings ??= Settings.load()),
    loadedSettings: () => settings,
    log,
    stdout: process.stdout,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '-h' || name === '--help') {
    process.stdout.write(await generalUsage());
    return 0;
  }
  const entry = name === undefined ? undefined : findCommand(name);
  if (entry === undefined) {
    if (name !== undefined) log.error(`Unknown command: ${name}`);
    process.stderr.write(await generalUsage());
    return 1;
  }
  const command: Command = await entry.load();
  const context = createContext();
  try {
    let parsed: ParsedArguments = { options: new Map(), args: [...rest] };
    if (command.parsesArguments !== false) {
      try {
        parsed = parseArguments(command, rest);
      } catch (err) {
        if (!(err instanceof HelpRequested)) throw err;
        process.stdout.write(commandUsage(command));
        return 0;
      }
    }
    return await command.run(parsed, context);
  } catch (err) {
    if (err instanceof UsageError) {
      log.error(err.message);
      process.stderr.write(commandUsage(command));
      return 1;
    }
    log.error(failureMessage(err));
    if (!(err instanceof EnrootError) && context.loadedSettings()?.flag('ENROOT_DEBUG') === true && err instanceof Error) {
      process.stderr.write(`${err.stack ?? ''}\n`);
    }
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
