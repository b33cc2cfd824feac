import { importImage } from '../image/import.js';
import { returnFreedMemoryPeriodically } from '../sys/memory.js';
import { optionValue, type Command } from './command.js';
import { archOption, localSchemes, outputOption, registrySchemes } from './shared-options.js';

export const importCommand: Command = {
  name: 'import',
  synopsis: '[options] [--] URI',
  description: 'Convert a container image into a squashfs image file.',
  options: [archOption, outputOption('FILE', 'Image file to write (default: derived from URI, ending in .sqsh)')],
  positionals: { min: 1, max: 1 },
  schemes: [...registrySchemes, ...localSchemes],
  async run(parsed, context) {
    const arch = optionValue(parsed, 'arch');
    const output = optionValue(parsed, 'output');
    returnFreedMemoryPeriodically();
    await importImage(parsed.args[0] as string, context.settings(), {
      ...(arch === undefined ? {} : { arch }),
      ...(output === undefined ? {} : { output }),
    });
    return 0;
  },
};
