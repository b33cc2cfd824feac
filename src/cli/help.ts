import type { Command } from './command.js';
import { CATALOG } from './catalog.js';
import { generalUsage } from './usage.js';

export const helpCommand: Command = {
  name: 'help',
  synopsis: '',
  description: 'Print this help.',
  options: [],
  positionals: { min: 0 },
  parsesArguments: false,
  async run(_parsed, context) {
    context.stdout.write(await generalUsage(CATALOG));
    return 0;
  },
};
