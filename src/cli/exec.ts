import type { Command } from './command.js';
import { envOption, notImplemented } from './shared-options.js';

export const execCommand: Command = {
  name: 'exec',
  synopsis: '[options] [--] PID COMMAND [ARG...]',
  description: 'Run a command inside the running container that process PID belongs to.',
  options: [envOption],
  positionals: { min: 2 },
  run: notImplemented('exec'),
};
