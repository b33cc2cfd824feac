import type { Command } from './command.js';
import { forceOption, notImplemented } from './shared-options.js';

export const removeCommand: Command = {
  name: 'remove',
  synopsis: '[options] [--] NAME...',
  description: 'Delete containers.',
  options: [forceOption('Do not ask for confirmation')],
  positionals: { min: 1 },
  run: notImplemented('remove'),
};
