// The native calls of the squashfs extractor (enroot create). Entries are created relative to directory
// handles, and directories are reached with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so nothing an
// image contains can make a call follow a symlink or leave the tree. Names are NUL-terminated byte
// strings (C strings), since squashfs names are bytes, not necessarily UTF-8. Failures throw SysError
// naming the call; the caller adds the path.
import { check, native, SysError } from './libc.js';
import { mkdirAt, openat2, openNewFileAt } from './files.js';
import { O_DIRECTORY, O_CLOEXEC, O_PATH, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, RESOLVE_BENEATH, AT_SYMLINK_NOFOLLOW } from './open-flags.js';

/** A NUL-terminated byte string. */
export type CString = Buffer;

export const S_IFIFO = 0o010000;
export const S_IFSOCK = 0o140000;

const NUL = Buffer.alloc(1);

export function cString(bytes: Buffer | string): CString {
  return Buffer.concat([typeof bytes === 'string' ? Buffer.from(bytes) : bytes, NUL]);
}

/**
 * A handle on the directory `path` below `rootFd` ('.' for the root itself), refusing every symlink on the
 * way; `readable` gives a handle that fchown/fchmod/futimes/fsetxattr accept, otherwise an O_PATH one for
 * the *at calls.
 */
export function openDirectoryBeneath(rootFd: number, path: CString, readable: boolean): number {
  return openat2(rootFd, path, O_DIRECTORY | O_CLOEXEC | (readable ? 0 : O_PATH), RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, 'openat2');
}

/** mkdirat; fails when the name exists, whatever it is. */
export function makeDirectoryAt(dirFd: number, path: CString, mode: number): void {
  mkdirAt(dirFd, path, mode, 'mkdirat');
}

/** A new regular file open for writing; fails when the name exists (a symlink included). */
export function createFileAt(dirFd: number, name: CString, mode: number): number {
  return openNewFileAt(dirFd, name, mode, 'openat');
}

export function symlinkAt(target: CString, dirFd: number, name: CString): void {
  check(native.symlinkat(target, dirFd, name), 'symlinkat');
}

/** A fifo or socket (`mode` with S_IFIFO or S_IFSOCK). */
export function makeNodeAt(dirFd: number, name: CString, mode: number): void {
  check(native.mknodat(dirFd, name, mode, 0), 'mknodat');
}

/** A second name for `oldName`; a symlink gets the link itself, never its target. */
export function linkAt(oldDirFd: number, oldName: CString, newDirFd: number, newName: CString): void {
  check(native.linkat(oldDirFd, oldName, newDirFd, newName, 0), 'linkat');
}

/** lchown relative to a directory. */
export function changeOwnerAt(dirFd: number, name: CString, uid: number, gid: number): void {
  check(native.fchownat(dirFd, name, uid, gid, AT_SYMLINK_NOFOLLOW), 'fchownat');
}

/** chmod of an entry that is not a symlink (Linux has no mode on symlinks). */
export function changeModeAt(dirFd: number, name: CString, mode: number): void {
  check(native.fchmodat(dirFd, name, mode, 0), 'fchmodat');
}

/** Sets access and modification time to `mtime` (seconds) without following a symlink. */
export function setTimesAt(dirFd: number, name: CString, mtime: number): void {
  const times = Buffer.alloc(32);
  times.writeBigInt64LE(BigInt(mtime), 0);
  times.writeBigInt64LE(BigInt(mtime), 16);
  check(native.utimensat(dirFd, name, times, AT_SYMLINK_NOFOLLOW), 'utimensat');
}

export function setXattr(fd: number, name: CString, value: Buffer): void {
  check(native.fsetxattr(fd, name, value, value.length, 0), 'fsetxattr');
}

const offsets = Buffer.alloc(16);
const inOffsetField = offsets.subarray(0, 8);
const outOffsetField = offsets.subarray(8);

/**
 * Copies up to `length` bytes from `inFd` at `inOffset` to `outFd` at `outOffset` inside the kernel;
 * returns how many it copied (fewer is not an error; 0 means the input ended).
 */
export function copyFileRange(inFd: number, inOffset: number, outFd: number, outOffset: number, length: number): number {
  offsets.writeBigInt64LE(BigInt(inOffset), 0);
  offsets.writeBigInt64LE(BigInt(outOffset), 8);
  return check(native.copyFileRange(inFd, inOffsetField, outFd, outOffsetField, length, 0), 'copy_file_range');
}

/** The operating system's text for a failed call (SysError or Node system error), or undefined. */
export function systemErrorText(err: unknown): string | undefined {
  if (err instanceof SysError) return err.reason;
  const errno = (err as NodeJS.ErrnoException | undefined)?.errno;
  return typeof errno === 'number' ? (native.strerror(Math.abs(errno)) as string) : undefined;
}

