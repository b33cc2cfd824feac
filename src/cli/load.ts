import { loadImage } from '../image/load.js';
import { returnFreedMemoryPeriodically } from '../sys/memory.js';
import { flag, optionValue, type Command } from './command.js';
import { archOption, forceOption, nameOption, registrySchemes } from './shared-options.js';

export const loadCommand: Command = {
  name: 'load',
  synopsis: '[options] [--] URI',
  description: 'Turn a container image straight into a container root filesystem.',
  options: [archOption, nameOption, forceOption('Replace an existing container of that name (once the new one is complete)')],
  positionals: { min: 1, max: 1 },
  schemes: registrySchemes,
  async run(parsed, context) {
    const settings = context.settings();
    const arch = optionValue(parsed, 'arch');
    const name = optionValue(parsed, 'name');
    returnFreedMemoryPeriodically();
    await loadImage(parsed.args[0] as string, settings, {
      force: flag(parsed, 'force') || settings.flag('ENROOT_FORCE_OVERRIDE'),
      ...(arch === undefined ? {} : { arch }),
      ...(name === undefined ? {} : { name }),
    });
    return 0;
  },
};
