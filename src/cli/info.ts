import { COMPATIBLE_VERSION, IMPLEMENTATION_VERSION } from '../config/install.js';
import { describeSettings } from '../config/settings.js';
import type { Command } from './command.js';

export const infoCommand: Command = {
  name: 'info',
  synopsis: '',
  description: 'Print the settings in effect and where each comes from.',
  options: [],
  positionals: { min: 0, max: 0 },
  async run(_parsed, context) {
    const settings = context.settings();
    const lines = [
      `Enroot version: ${COMPATIBLE_VERSION}`,
      `Implementation: enroot-ts ${IMPLEMENTATION_VERSION} (Node.js ${process.version})`,
      `Config file: ${settings.configFile}`,
      '',
      'Environment variables:',
      ...settings.enrootVariables().map(([name, value]) => `  ${name}=${value}`),
      '',
      'Setting sources:',
    ];
    const described = describeSettings(settings);
    const width = Math.max(...described.map(({ name }) => name.length));
    for (const { name, source } of described) lines.push(`  ${name.padEnd(width)}  ${source}`);
    context.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
