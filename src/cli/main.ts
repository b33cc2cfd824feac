// Picking the command named by the first argument (or printing the general usage) and running it.
import { log } from '../log/log.js';
import { CATALOG, findCommand } from './catalog.js';
import { runCommand } from './run-command.js';
import { generalUsage } from './usage.js';

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '-h' || name === '--help') {
    process.stdout.write(await generalUsage(CATALOG));
    return 0;
  }
  const entry = name === undefined ? undefined : findCommand(name);
  if (entry === undefined) {
    if (name !== undefined) log.error(`Unknown command: ${name}`);
    process.stderr.write(await generalUsage(CATALOG));
    return 1;
  }
  return runCommand(await entry.load(), rest);
}
