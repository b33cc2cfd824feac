import path from 'node:path';
import { EnrootError, NotImplementedError } from '../errors.js';
import type { Command } from './command.js';

export const batchCommand: Command = {
  name: 'batch',
  synopsis: '[options] [--] CONFIG [COMMAND] [ARG...]',
  description: 'Run a container described by a configuration script whose #ENROOT_ROOTFS directive names it.',
  options: [],
  positionals: { min: 1 },
  async run(parsed, context) {
    const config = parsed.args[0] as string;
    const settings = context.settings();
    settings.applyDirectives(config);
    if ((settings.get('ENROOT_ROOTFS') ?? '') === '') {
      throw new EnrootError(`Missing directive ENROOT_ROOTFS in ${path.resolve(config)}`);
    }
    throw new NotImplementedError('enroot batch');
  },
};
