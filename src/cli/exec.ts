import { execInContainer } from '../runtime/exec.js';
import { optionValues, type Command } from './command.js';
import { envOption } from './shared-options.js';

export const execCommand: Command = {
  name: 'exec',
  synopsis: '[options] [--] PID COMMAND [ARG...]',
  description: 'Run a command inside the running container that process PID belongs to.',
  options: [envOption],
  positionals: { min: 2 },
  async run(parsed, context) {
    const [pid, ...command] = parsed.args as [string, ...string[]];
    execInContainer({ pid, command, environment: optionValues(parsed, 'env'), callerEnvironment: context.settings().environment() });
  },
};
