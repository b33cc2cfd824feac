// mount(2), umount2(2) and the mount flags of a mount point (statvfs), as the kernel spells them.
import { check, native } from './libc.js';

export const MS = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  SYNCHRONOUS: 16,
  REMOUNT: 32,
  MANDLOCK: 64,
  DIRSYNC: 128,
  NOATIME: 1024,
  NODIRATIME: 2048,
  BIND: 4096,
  MOVE: 8192,
  REC: 16384,
  SILENT: 32768,
  UNBINDABLE: 1 << 17,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
  RELATIME: 1 << 21,
  I_VERSION: 1 << 23,
  STRICTATIME: 1 << 24,
  LAZYTIME: 1 << 25,
} as const;

export const MNT_DETACH = 2;

export function mount(source: string | null, target: string, type: string | null, flags: number, data: string | null): void {
  check(native.mount(source, target, type, flags, data), `mount ${source ?? 'none'} on ${target}`);
}

export function umount(target: string, flags: number): void {
  check(native.umount2(target, flags), `unmount ${target}`);
}

// statvfs reports ST_* bits; most equal the MS_* flags, ST_RELATIME does not.
const ST_RELATIME = 4096;
const LOCKABLE = MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME;
const STATVFS_SIZE = 112;
const STATVFS_FLAG_OFFSET = 72;

function lockableFlags(buffer: Buffer): number {
  const flags = Number(buffer.readBigUInt64LE(STATVFS_FLAG_OFFSET));
  return (flags & LOCKABLE) | (flags & ST_RELATIME ? MS.RELATIME : 0);
}

/**
 * The flags of the mount at `path` that a user namespace may not clear
 * (nosuid, nodev, noexec, ro and the atime mode): a bind or remount there must repeat them.
 */
export function lockedFlagsOf(path: string): number {
  const buffer = Buffer.alloc(STATVFS_SIZE);
  check(native.statvfs(path, buffer), `statvfs ${path}`);
  return lockableFlags(buffer);
}
