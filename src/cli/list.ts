import type { Command } from './command.js';
import { notImplemented } from './shared-options.js';

export const listCommand: Command = {
  name: 'list',
  synopsis: '[options]',
  description: 'List the containers, and with --fancy the processes running in them.',
  options: [{ short: 'f', long: 'fancy', help: 'Show a table of the processes of each container' }],
  positionals: { min: 0, max: 0, ignoreExtra: true },
  run: notImplemented('list'),
};
