import { createBundle } from '../bundle/create-bundle.js';
import { flag, optionValue, type Command } from './command.js';
import { forceOption, outputOption } from './shared-options.js';

export const bundleCommand: Command = {
  name: 'bundle',
  synopsis: '[options] [--] IMAGE',
  description: 'Make a self-extracting bundle that runs an image on machines without enroot.',
  options: [
    { short: 'a', long: 'all', help: 'Include the user configuration (settings, hooks, mounts, environment)' },
    { short: 'c', long: 'checksum', help: 'Embed a checksum that is verified before every run' },
    { short: 'd', long: 'desc', value: 'TEXT', help: 'Description shown by the bundle\'s --info' },
    outputOption('BUNDLE', 'Bundle file to write (default: IMAGE without .sqsh, plus .run)'),
    { short: 't', long: 'target', value: 'DIR', help: 'Directory the bundle extracts into (default: the bundle name; ~/ and $HOME/ are expanded at run time)' },
    forceOption('Replace an existing bundle file'),
  ],
  positionals: { min: 1, max: 1 },
  async run(parsed, context) {
    const settings = context.settings();
    if (flag(parsed, 'force')) settings.enable('ENROOT_FORCE_OVERRIDE', '--force');
    if (flag(parsed, 'all')) settings.enable('ENROOT_BUNDLE_ALL', '--all');
    if (flag(parsed, 'checksum')) settings.enable('ENROOT_BUNDLE_CHECKSUM', '--checksum');
    const output = optionValue(parsed, 'output');
    const target = optionValue(parsed, 'target');
    const description = optionValue(parsed, 'desc');
    await createBundle(parsed.args[0] as string, settings, {
      ...(output === undefined ? {} : { output }),
      ...(target === undefined ? {} : { target }),
      ...(description === undefined ? {} : { description }),
      all: settings.flag('ENROOT_BUNDLE_ALL'),
      checksum: settings.flag('ENROOT_BUNDLE_CHECKSUM'),
      force: settings.flag('ENROOT_FORCE_OVERRIDE'),
    });
    return 0;
  },
};
