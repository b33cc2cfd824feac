import type { Command } from './command.js';
import { forceOption, notImplemented, outputOption } from './shared-options.js';

export const bundleCommand: Command = {
  name: 'bundle',
  synopsis: '[options] [--] IMAGE',
  description: 'Make a self-extracting bundle that runs an image on machines without enroot.',
  options: [
    { short: 'a', long: 'all', help: 'Include the user configuration (settings, hooks, mounts, environment)' },
    { short: 'c', long: 'checksum', help: 'Embed a checksum that is verified before every run' },
    { short: 'd', long: 'desc', value: 'TEXT', help: 'Description shown by the bundle\'s --info' },
    outputOption('BUNDLE', 'Bundle file to write (default: IMAGE without .sqsh, plus .run)'),
    { short: 't', long: 'target', value: 'DIR', help: 'Directory the bundle extracts into (default: the bundle name)' },
    forceOption('Replace an existing bundle file'),
  ],
  positionals: { min: 1, max: 1 },
  run: notImplemented('bundle'),
};
