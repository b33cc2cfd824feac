import { createContainer } from '../image/create.js';
import { flag, optionValue, type Command } from './command.js';
import { forceOption, nameOption } from './shared-options.js';

export const createCommand: Command = {
  name: 'create',
  synopsis: '[options] [--] IMAGE',
  description: 'Unpack a squashfs image into a container root filesystem.',
  options: [nameOption, forceOption('Replace an existing container of that name (once the new one is complete)')],
  positionals: { min: 1, max: 1 },
  async run(parsed, context) {
    const settings = context.settings();
    const force = flag(parsed, 'force') || settings.flag('ENROOT_FORCE_OVERRIDE');
    const name = optionValue(parsed, 'name');
    await createContainer(parsed.args[0] as string, settings, { force, ...(name === undefined ? {} : { name }) });
    return 0;
  },
};
