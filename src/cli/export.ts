import { exportContainer } from '../image/export.js';
import { flag, optionValue, type Command } from './command.js';
import { forceOption, outputOption } from './shared-options.js';

export const exportCommand: Command = {
  name: 'export',
  synopsis: '[options] [--] NAME',
  description: 'Write a container root filesystem to a squashfs image.',
  options: [
    outputOption('FILE', 'Image file to write (default: NAME.sqsh)'),
    forceOption('Replace an existing image file (once the new one is complete)'),
  ],
  positionals: { min: 1, max: 1 },
  async run(parsed, context) {
    const settings = context.settings();
    const output = optionValue(parsed, 'output');
    await exportContainer(parsed.args[0] as string, settings, {
      force: flag(parsed, 'force') || settings.flag('ENROOT_FORCE_OVERRIDE'),
      ...(output === undefined ? {} : { output }),
    });
    return 0;
  },
};
