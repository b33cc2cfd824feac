import { startContainer } from '../runtime/start.js';
import { checkConfigScript, checkRcScript } from '../runtime/config-check.js';
import { flag, optionValue, optionValues, type Command } from './command.js';
import { envOption } from './shared-options.js';

const FLAG_SETTINGS: readonly (readonly [string, string])[] = [
  ['root', 'ENROOT_REMAP_ROOT'],
  ['rw', 'ENROOT_ROOTFS_WRITABLE'],
  ['pid', 'ENROOT_UNSHARE_PID'],
  ['net', 'ENROOT_UNSHARE_NET'],
  ['ipc', 'ENROOT_UNSHARE_IPC'],
  ['uts', 'ENROOT_UNSHARE_UTS'],
];

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
  async run(parsed, context) {
    const settings = context.settings();
    const conf = optionValue(parsed, 'conf');
    const configScript = conf === undefined ? undefined : checkConfigScript(conf, context.log);
    if (configScript !== undefined) settings.applyDirectives(configScript);
    for (const [option, setting] of FLAG_SETTINGS) if (flag(parsed, option)) settings.enable(setting, `--${option}`);
    const rc = optionValue(parsed, 'rc');
    const [target, ...command] = parsed.args as [string, ...string[]];
    startContainer(settings, {
      target,
      command,
      ...(configScript === undefined ? {} : { configScript }),
      ...(rc === undefined ? {} : { rcFile: checkRcScript(rc) }),
      environment: optionValues(parsed, 'env'),
      mounts: optionValues(parsed, 'mount'),
    });
  },
};
