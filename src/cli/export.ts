import type { Command } from './command.js';
import { forceOption, notImplemented, outputOption } from './shared-options.js';

export const exportCommand: Command = {
  name: 'export',
  synopsis: '[options] [--] NAME',
  description: 'Write a container root filesystem to a squashfs image.',
  options: [outputOption('FILE', 'Image file to write (default: NAME.sqsh)'), forceOption('Replace an existing image file')],
  positionals: { min: 1, max: 1 },
  run: notImplemented('export'),
};
