import { COMPATIBLE_VERSION, IMPLEMENTATION_VERSION } from '../config/install.js';
import { describeSettings } from '../config/settings.js';
import { chooseBackend, describeBackend } from '../gpu/backend.js';
import { realHost } from '../gpu/host.js';
import { errorText } from '../errors.js';
import type { Command } from './command.js';

/** The NVIDIA backend start would use; a broken CDI spec is reported, not fatal. */
function gpuBackendLine(): string {
  try {
    return describeBackend(chooseBackend(realHost(process.env.PATH), process.env.PATH));
  } catch (err) {
    return `unusable: ${errorText(err)}`;
  }
}

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
    lines.push('', 'GPU support:', `  NVIDIA backend: ${gpuBackendLine()}`);
    context.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
