import type { Command } from './command.js';
import { archOption, notImplemented, registrySchemes } from './shared-options.js';

export const digestCommand: Command = {
  name: 'digest',
  synopsis: '[options] [--] URI',
  description: 'Print the manifest digest of an image in a registry.',
  options: [archOption],
  positionals: { min: 1, max: 1 },
  schemes: registrySchemes,
  run: notImplemented('digest'),
};
