import type { Command } from './command.js';
import { forceOption, nameOption, notImplemented } from './shared-options.js';

export const createCommand: Command = {
  name: 'create',
  synopsis: '[options] [--] IMAGE',
  description: 'Unpack a squashfs image into a container root filesystem.',
  options: [nameOption, forceOption('Replace an existing container of that name')],
  positionals: { min: 1, max: 1 },
  run: notImplemented('create'),
};
