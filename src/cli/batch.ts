import path from 'node:path';
import { EnrootError } from '../errors.js';
import { checkConfigScript } from '../runtime/config-check.js';
import { startContainer } from '../runtime/start.js';
import type { Command } from './command.js';

export const batchCommand: Command = {
  name: 'batch',
  synopsis: '[options] [--] CONFIG [COMMAND] [ARG...]',
  description: 'Run a container described by a configuration script whose #ENROOT_ROOTFS directive names it.',
  options: [],
  positionals: { min: 1 },
  async run(parsed, context) {
    const [config, ...command] = parsed.args as [string, ...string[]];
    const settings = context.settings();
    settings.applyDirectives(config);
    const rootfs = settings.get('ENROOT_ROOTFS') ?? '';
    if (rootfs === '') throw new EnrootError(`Missing directive ENROOT_ROOTFS in ${path.resolve(config)}`);
    startContainer(settings, { target: rootfs, command, configScript: checkConfigScript(config, context.log), environment: [], mounts: [] });
  },
};
