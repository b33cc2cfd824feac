// The standard hook 10-home, built in: with ENROOT_MOUNT_HOME, the caller's home directory ($HOME, else
// its host passwd entry) bound at the same path, or at /root with ENROOT_REMAP_ROOT, and HOME set to it.
import { EnrootError } from '../../errors.js';
import type { BuiltinHookContext } from '../builtin-hooks.js';
import { callerPasswd, outerId } from '../caller.js';
import { escapeFstabField } from '../fstab.js';
import { appendEnvironment, appendMounts, isSet } from './hook-io.js';

export function homeHook(context: BuiltinHookContext): void {
  if (!isSet(context, 'ENROOT_MOUNT_HOME')) return;
  const home = isSet(context, 'HOME') ? (context.env.HOME as string) : (callerPasswd()?.home ?? '');
  if (home === '') throw new EnrootError(`Could not find the home directory of uid ${outerId('uid')}: set HOME or unset ENROOT_MOUNT_HOME`);
  const target = isSet(context, 'ENROOT_REMAP_ROOT') ? '/root' : home;
  appendMounts(context, [`${escapeFstabField(home)} ${escapeFstabField(target)} none x-create=dir,bind,rw,nosuid`]);
  appendEnvironment(context, [`HOME=${target}`]);
}
