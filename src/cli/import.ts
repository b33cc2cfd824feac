import type { Command } from './command.js';
import { archOption, localSchemes, notImplemented, outputOption, registrySchemes } from './shared-options.js';

export const importCommand: Command = {
  name: 'import',
  synopsis: '[options] [--] URI',
  description: 'Convert a container image into a squashfs image file.',
  options: [archOption, outputOption('FILE', 'Image file to write (default: derived from URI, ending in .sqsh)')],
  positionals: { min: 1, max: 1 },
  schemes: [...registrySchemes, ...localSchemes],
  run: notImplemented('import'),
};
