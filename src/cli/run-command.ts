// Running one command: its arguments parsed, its usage on --help or a usage error, and any failure turned
// into one `[ERROR]` line and exit status 1. Shared by both entry points (src/cli/cli.ts for every command,
// src/cli/runtime-cli.ts for the runtime commands), so it imports no command and no catalog.
import { EnrootError, failureMessage, UsageError } from '../errors.js';
import { log } from '../log/log.js';
import { Settings } from '../config/settings.js';
import type { Command, CommandContext, ParsedArguments } from './command.js';
import { HelpRequested, parseArguments } from './parse.js';
import { commandUsage } from './usage.js';

function createContext(): CommandContext & { loadedSettings(): Settings | undefined } {
  let settings: Settings | undefined;
  return {
    settings: () => (settings ??= Settings.load()),
    loadedSettings: () => settings,
    log,
    // A getter: creating process.stdout loads Node's stream and tty modules, which `start` never needs.
    get stdout() {
      return process.stdout;
    },
  };
}

/** Runs `command` with its arguments `args`; resolves to the exit status. */
export async function runCommand(command: Command, args: readonly string[]): Promise<number> {
  const context = createContext();
  try {
    let parsed: ParsedArguments = { options: new Map(), args: [...args] };
    if (command.parsesArguments !== false) {
      try {
        parsed = parseArguments(command, args);
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
