// The standard hook 10-aptfix, built in: Debian and Ubuntu images started as remapped root
// (ENROOT_REMAP_ROOT) get /etc/apt/apt.conf.d/enroot, so apt downloads as root instead of dropping
// privileges to _apt, a user the single-id user namespace cannot switch to.
import type { BuiltinHookContext } from '../builtin-hooks.js';
import { isSymlinkFree, statInside } from '../root-paths.js';
import { isSet } from './hook-io.js';
import { makeDirectories, writeFileInside } from './rootfs-files.js';

const CONFIG_DIR = '/etc/apt/apt.conf.d';
const CONFIG_FILE = `${CONFIG_DIR}/enroot`;

export function aptfixHook(context: BuiltinHookContext): void {
  if (!isSet(context, 'ENROOT_REMAP_ROOT')) return;
  if (statInside(context.rootFd, '/etc/debian_version')?.isFile() !== true) return;
  if (!isSymlinkFree(context.rootFd, CONFIG_FILE)) return;
  makeDirectories(context.rootFd, CONFIG_DIR);
  writeFileInside(context.rootFd, CONFIG_FILE, 'APT::Sandbox::User "root";\n');
}
