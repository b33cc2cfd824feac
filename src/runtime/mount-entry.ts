// Performing one fstab entry inside a root filesystem (spec 10.4): create the target when asked,
// mount (bind, remount, move, detach or a filesystem), then apply propagation changes.
// Targets, and bind sources inside the rootfs, are reached through handles resolved inside it.
import fs from 'node:fs';
import { EnrootError } from '../errors.js';
import { closeFd, fdPath } from '../sys/files.js';
import { SysError } from '../sys/libc.js';
import { lockedFlagsOf, mount, MNT_DETACH, MS, umount } from '../sys/mount.js';
import type { FstabEntry } from './fstab.js';
import { parseMountOptions, type MountOptions } from './mount-options.js';
import { createInside, openInside } from './root-paths.js';

export interface MountContext {
  /** O_PATH handle on the root filesystem (a mount point). */
  rootFd: number;
  /** Host path of the root filesystem. */
  rootfs: string;
  /** The kernel refuses to clear some flags of mounts inherited from the host: repeat them. */
  userNamespace: boolean;
  warn(message: string): void;
}

/** A failed fstab entry: the message names the entry, where it came from and the OS error. */
export class MountError extends EnrootError {}

export function performEntries(entries: readonly FstabEntry[], context: MountContext): void {
  for (const entry of entries) performEntry(entry, context);
}

export function performEntry(entry: FstabEntry, context: MountContext): void {
  const options = parseMountOptions(entry.options);
  try {
    perform(entry, options, context);
  } catch (err) {
    if (!(err instanceof SysError)) throw err;
    const message = `Failed to mount ${entry.source} on ${entry.target} (${entry.type} ${entry.options}, from ${entry.origin}): ${err.reason}`;
    if (!options.nofail) throw new MountError(message);
    if (!options.quiet) context.warn(message);
  }
}

function isBindSource(options: MountOptions): boolean {
  return (options.flags & MS.BIND) !== 0 || options.move;
}

/** A bind source inside the rootfs is reached through the rootfs, so an image symlink cannot point it at the host. */
function openSource(entry: FstabEntry, options: MountOptions, context: MountContext): number | null {
  if (!isBindSource(options)) return null;
  const prefix = `${context.rootfs}/`;
  if (entry.source !== context.rootfs && !entry.source.startsWith(prefix)) return null;
  return openInside(context.rootFd, entry.source.slice(context.rootfs.length));
}

function createKind(entry: FstabEntry, options: MountOptions): 'dir' | 'file' | null {
  if (options.create !== 'auto') return options.create ?? null;
  if ((options.flags & MS.BIND) === 0) return 'dir';
  try {
    return fs.statSync(entry.source).isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

function perform(entry: FstabEntry, options: MountOptions, context: MountContext): void {
  const kind = createKind(entry, options);
  if (kind !== null) createInside(context.rootFd, entry.target, kind, 0);
  const sourceFd = openSource(entry, options, context);
  try {
    const source = sourceFd === null ? entry.source : fdPath(sourceFd);
    if (entry.type !== 'none' || options.flags !== 0 || options.move || options.detach) {
      if (options.detach) {
        withTarget(context, entry.target, (target) => umount(target, MNT_DETACH));
        return;
      }
      mountAt(entry, options, source, context);
    }
    for (const change of options.propagation) withTarget(context, entry.target, (target) => mount(null, target, null, change, null));
  } finally {
    if (sourceFd !== null) closeFd(sourceFd);
  }
}

function mountAt(entry: FstabEntry, options: MountOptions, source: string, context: MountContext): void {
  if (options.move) {
    withTarget(context, entry.target, (target) => mount(source, target, null, MS.MOVE, null));
    return;
  }
  const bind = (options.flags & MS.BIND) !== 0;
  const remount = (options.flags & MS.REMOUNT) !== 0;
  const data = options.data.length > 0 ? options.data.join(',') : null;
  const type = entry.type === 'none' ? null : entry.type;
  withTarget(context, entry.target, (target) => {
    const locked = context.userNamespace && (bind || remount) ? lockedFlagsOf(remount ? target : source) : 0;
    mount(source, target, type, options.flags | locked, data);
  });
  const extraFlags = options.flags & ~(MS.BIND | MS.REC);
  if (bind && !remount && (extraFlags !== 0 || data !== null)) {
    // A bind ignores flags: apply them to the new mount by remounting it.
    withTarget(context, entry.target, (target) => {
      const locked = context.userNamespace ? lockedFlagsOf(target) : 0;
      mount(null, target, null, MS.REMOUNT | MS.BIND | extraFlags | locked, data);
    });
  }
}

/** Runs `action` on the current top mount at `target`, reached by a handle resolved inside the root. */
function withTarget(context: MountContext, target: string, action: (path: string) => void): void {
  const fd = openInside(context.rootFd, target);
  try {
    action(fdPath(fd));
  } finally {
    closeFd(fd);
  }
}
