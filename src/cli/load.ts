import type { Command } from './command.js';
import { archOption, forceOption, nameOption, notImplemented, registrySchemes } from './shared-options.js';

export const loadCommand: Command = {
  name: 'load',
  synopsis: '[options] [--] URI',
  description: 'Turn a container image straight into a container root filesystem.',
  options: [archOption, nameOption, forceOption('Replace an existing container of that name')],
  positionals: { min: 1, max: 1 },
  schemes: registrySchemes,
  run: notImplemented('load'),
};
