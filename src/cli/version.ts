import { COMPATIBLE_VERSION } from '../config/install.js';
import type { Command } from './command.js';

export const versionCommand: Command = {
  name: 'version',
  synopsis: '',
  description: 'Print the version of the enroot interface this program provides.',
  options: [],
  positionals: { min: 0 },
  parsesArguments: false,
  async run(_parsed, context) {
    context.stdout.write(`${COMPATIBLE_VERSION}\n`);
    return 0;
  },
};
