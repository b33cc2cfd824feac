import { removeContainers } from '../runtime/remove.js';
import { flag, type Command } from './command.js';
import { forceOption } from './shared-options.js';

export const removeCommand: Command = {
  name: 'remove',
  synopsis: '[options] [--] NAME...',
  description: 'Delete containers.',
  options: [forceOption('Do not ask for confirmation')],
  positionals: { min: 1 },
  async run(parsed, context) {
    const settings = context.settings();
    if (flag(parsed, 'force')) settings.enable('ENROOT_FORCE_OVERRIDE', '--force');
    removeContainers(settings.path('ENROOT_DATA_PATH'), parsed.args, settings.flag('ENROOT_FORCE_OVERRIDE'));
    return 0;
  },
};
