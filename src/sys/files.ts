// File-descriptor based path operations: resolving a path inside a root directory so that no
// symlink can lead out of it (openat2 RESOLVE_IN_ROOT), and creating entries relative to a directory fd.
import { koffi, check, native, SysError, lastErrno } from './libc.js';
import { syscallNumbers } from './syscalls.js';
import { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_CLOEXEC, O_PATH, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, RESOLVE_IN_ROOT, AT_FDCWD } from './open-flags.js';

/** The path through which the kernel reaches exactly the object an fd refers to. */
export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

/** Opens a directory (or anything) on the host as an O_PATH handle. */
export function openPath(path: string): number {
  return check(native.openat(AT_FDCWD, path, O_PATH | O_CLOEXEC), `open ${path}`);
}

/**
 * Opens `path` (relative to `rootFd`) as an O_PATH handle, resolving every component as if `rootFd`
 * were the root directory: `..` stops at it and absolute symlinks restart from it.
 */
export function openInRoot(rootFd: number, path: string, what: string): number {
  return openPathAt2(rootFd, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, what);
}

/** Like openInRoot, but failing with ELOOP when any component of `path`, the last included, is a symlink. */
export function openInRootWithoutSymlinks(rootFd: number, path: string, what: string): number {
  return openPathAt2(rootFd, path, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS, what);
}

/**
 * openat2(2): `path` below `dirFd` ('' for `dirFd` itself) opened with `flags`, resolved under the `resolve`
 * restrictions. A Buffer path is a NUL-terminated byte string (names that are not UTF-8).
 */
export function openat2(dirFd: number, path: string | Buffer, flags: number, resolve: number, what: string): number {
  const how = Buffer.alloc(24);
  how.writeBigUInt64LE(BigInt(flags), 0);
  how.writeBigUInt64LE(BigInt(resolve), 16);
  const name = path === '' ? '.' : path;
  const fd = Number(native.syscall(syscallNumbers().openat2, 'int', dirFd, typeof name === 'string' ? 'str' : 'const char *', name, 'void *', how, 'size_t', how.length));
  if (fd < 0) throw new SysError(what, lastErrno());
  return fd;
}

function openPathAt2(dirFd: number, path: string, resolve: number, what: string): number {
  return openat2(dirFd, path, O_PATH | O_CLOEXEC, resolve, what);
}

/** mkdirat; fails when the name exists, whatever it is. */
export function mkdirAt(dirFd: number, name: string | Buffer, mode: number, what: string): void {
  check(native.mkdirat(dirFd, name, mode), what);
}

/** A new regular file open for writing, never through a symlink; fails when the name exists. */
export function openNewFileAt(dirFd: number, name: string | Buffer, mode: number, what: string): number {
  return check(native.openat(dirFd, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 'uint32_t', mode), what);
}

/** Creates an empty regular file (never following a symlink), failing if the name exists. */
export function createFileAt(dirFd: number, name: string, mode: number, what: string): void {
  native.close(openNewFileAt(dirFd, name, mode, what));
}

/** The target of the symlink `name` in `dirFd`, or null when it is not a symlink. */
export function readlinkAt(dirFd: number, name: string): string | null {
  const buffer = Buffer.alloc(4096);
  const length = Number(native.readlinkat(dirFd, name, buffer, buffer.length));
  if (length < 0) return null;
  return buffer.subarray(0, length).toString('utf8');
}

export function closeFd(fd: number): void {
  native.close(fd);
}

const LOCK_EX = 2;
const LOCK_NB = 4;

/** Tries to take an exclusive lock on an open file; false when another holder has it. */
export function tryLockExclusive(fd: number, what: string): boolean {
  if (Number(native.flock(fd, LOCK_EX | LOCK_NB)) === 0) return true;
  const errno = lastErrno();
  if (errno === koffi.os.errno.EWOULDBLOCK) return false;
  throw new SysError(what, errno);
}

/** An anonymous in-memory file that stays open across execve (no close-on-exec). */
export function memoryFile(name: string): number {
  return check(native.memfdCreate(name, 0), `memfd_create ${name}`);
}
