import type { Command } from './command.js';
import { envOption, notImplemented } from './shared-options.js';

export const startCommand: Command = {
  name: 'start',
  synopsis: '[options] [--] NAME|IMAGE [COMMAND] [ARG...]',
  description: 'Run a command (by default the image\'s) in a container or squashfs image.',
  options: [
    { short: 'c', long: 'conf', value: 'CONFIG', help: 'Configuration script: #ENROOT_ directives and environ/mounts/hooks/rc functions' },
    envOption,
    { long: 'rc', value: 'SCRIPT', help: 'Script to run instead of the image\'s /etc/rc' },
    { short: 'r', long: 'root', help: 'Be root inside the container' },
    { short: 'w', long: 'rw', help: 'Make the root filesystem writable' },
    { short: 'm', long: 'mount', value: 'FSTAB', repeatable: true, help: 'Mount, as an fstab line or SRC:DST[:OPTS] (repeatable)' },
    { long: 'pid', help: 'New PID namespace: the command is PID 1' },
    { long: 'net', help: 'New network namespace with only loopback' },
    { long: 'ipc', help: 'New IPC namespace' },
    { long: 'uts', help: 'New UTS namespace (own hostname)' },
  ],
  positionals: { min: 1 },
  run: notImplemented('start'),
};
