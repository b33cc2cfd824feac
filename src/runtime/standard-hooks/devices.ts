// The standard hook 10-devices, built in: with ENROOT_RESTRICT_DEV (or --ipc, ENROOT_UNSHARE_IPC) the
// container gets a fresh /dev holding only the standard devices instead of the host's; with --ipc,
// private /dev/shm and /dev/mqueue too. Mounted at once, like the script's enroot-mount call.
import fs from 'node:fs';
import { tty } from '../../lazy-builtins.js';
import { EnrootError } from '../../errors.js';
import type { BuiltinHookContext } from '../builtin-hooks.js';
import { escapeFstabField, parseFstab } from '../fstab.js';
import { isSymlinkFree } from '../root-paths.js';
import { isSet } from './hook-io.js';
import { replaceWithSymlink } from './rootfs-files.js';

const STANDARD_DEVICES = ['zero', 'null', 'full', 'urandom', 'random', 'tty'];

const SYMLINKS: ReadonlyArray<readonly [string, string]> = [
  ['/dev/fd', '/proc/self/fd'],
  ['/dev/ptmx', '/dev/pts/ptmx'],
  ['/dev/stdin', '/proc/self/fd/0'],
  ['/dev/stdout', '/proc/self/fd/1'],
  ['/dev/stderr', '/proc/self/fd/2'],
];

/** What the host offers beyond the standard devices, each bound only when present. */
export interface HostDevices {
  mqueue: boolean;
  hugepages: boolean;
  log: boolean;
  /** The terminal device of stdin, when stdin is one. */
  console: string | null;
}

function isDirectory(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** `readlink -f /proc/self/fd/0` when stdin is a terminal and that resolves to a character device. */
function consoleDevice(): string | null {
  if (!tty().isatty(0)) return null;
  try {
    const device = fs.realpathSync('/proc/self/fd/0');
    return fs.statSync(device).isCharacterDevice() ? device : null;
  } catch {
    return null;
  }
}

function hostDevices(): HostDevices {
  return { mqueue: isDirectory('/dev/mqueue'), hugepages: isDirectory('/dev/hugepages'), log: fs.existsSync('/dev/log'), console: consoleDevice() };
}

/** The fstab lines of the restricted /dev, in the order they are mounted. */
export function deviceEntries(privateIpc: boolean, host: HostDevices): string[] {
  const entries = ['none /dev none x-detach,nofail,silent', 'tmpfs /dev tmpfs x-create=dir,rw,nosuid,noexec,mode=755,slave'];
  for (const device of STANDARD_DEVICES) entries.push(`/dev/${device} /dev/${device} none x-create=file,bind,rw,nosuid,noexec,private`);
  entries.push('none /dev/pts devpts x-create=dir,newinstance,ptmxmode=0666,mode=620');
  if (privateIpc) {
    entries.push('tmpfs /dev/shm tmpfs x-create=dir,rw,nosuid,nodev,mode=1777', 'mqueue /dev/mqueue mqueue x-create=dir,rw,nosuid,nodev,noexec,nofail,silent');
  } else {
    entries.push('/dev/shm /dev/shm none x-create=dir,rbind,rw,nosuid,nodev,noexec,rslave');
    if (host.mqueue) entries.push('/dev/mqueue /dev/mqueue none x-create=dir,rbind,rw,nosuid,nodev,noexec,rslave,nofail,silent');
  }
  if (host.hugepages) entries.push('/dev/hugepages /dev/hugepages none x-create=dir,rbind,rw,nosuid,nodev,noexec,rslave,nofail,silent');
  if (host.log) entries.push('/dev/log /dev/log none x-create=file,bind,rw,nosuid,noexec,private,nofail,silent');
  if (host.console !== null) entries.push(`${escapeFstabField(host.console)} /dev/console none x-create=file,bind,rw,nosuid,noexec,private`);
  return entries;
}

export function devicesHook(context: BuiltinHookContext): void {
  const privateIpc = isSet(context, 'ENROOT_UNSHARE_IPC');
  if (!isSet(context, 'ENROOT_RESTRICT_DEV') && !privateIpc) return;
  context.mount(parseFstab(deviceEntries(privateIpc, hostDevices()).join('\n'), 'the devices hook'));
  if (!isSymlinkFree(context.rootFd, '/dev')) {
    throw new EnrootError(`${context.rootfs}/dev is a symlink: cannot restrict /dev in this image (unset ENROOT_RESTRICT_DEV)`);
  }
  for (const [link, target] of SYMLINKS) replaceWithSymlink(context.rootFd, link, target);
}
