import { containerNames, fancyListing } from '../runtime/list.js';
import { flag, type Command } from './command.js';

export const listCommand: Command = {
  name: 'list',
  synopsis: '[options]',
  description: 'List the containers, and with --fancy the processes running in them.',
  options: [{ short: 'f', long: 'fancy', help: 'Show a table of the processes of each container' }],
  positionals: { min: 0, max: 0, ignoreExtra: true },
  async run(parsed, context) {
    const dataDir = context.settings().path('ENROOT_DATA_PATH');
    const output = flag(parsed, 'fancy') ? fancyListing(dataDir) : containerNames(dataDir, false).map((name) => `${name}\n`).join('');
    context.stdout.write(output);
    return 0;
  },
};
