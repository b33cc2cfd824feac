// Process-level system calls: execve (with what Node leaves behind undone), privileges,
// root switching and namespace-related prctl/unshare calls.
import { check, native, SysError, lastErrno } from './libc.js';
import { syscallNumbers } from './syscalls.js';

const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const FD_CLOEXEC = 1;
const O_NONBLOCK = 0o4000;
const SIGPIPE = 13;
const SIGXFSZ = 25;
const SIG_DFL = 0;
const SIG_SETMASK = 2;

/**
 * Undoes what Node did to the process that the new program must not inherit: close-on-exec and
 * non-blocking mode on the standard descriptors, ignored SIGPIPE/SIGXFSZ and any blocked signals.
 */
function restoreInheritedState(): void {
  for (let fd = 0; fd <= 2; fd += 1) {
    const fdFlags = Number(native.fcntl(fd, F_GETFD));
    if (fdFlags >= 0 && (fdFlags & FD_CLOEXEC) !== 0) native.fcntl(fd, F_SETFD, 'int', fdFlags & ~FD_CLOEXEC);
    const statusFlags = Number(native.fcntl(fd, F_GETFL));
    if (statusFlags >= 0 && (statusFlags & O_NONBLOCK) !== 0) native.fcntl(fd, F_SETFL, 'int', statusFlags & ~O_NONBLOCK);
  }
  native.signal(SIGPIPE, SIG_DFL);
  native.signal(SIGXFSZ, SIG_DFL);
  native.sigprocmask(SIG_SETMASK, Buffer.alloc(128), null);
}

/** Replaces this process with `file`; returns only by throwing. */
export function execve(file: string, argv: readonly string[], env: Readonly<Record<string, string | undefined>>): never {
  const envp: (string | null)[] = [];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) envp.push(`${name}=${value}`);
  envp.push(null);
  restoreInheritedState();
  native.execve(file, [...argv, null], envp);
  throw new SysError(`execute ${file}`, lastErrno());
}

const PR_CAPBSET_DROP = 24;
const PR_SET_NO_NEW_PRIVS = 38;
const PR_CAP_AMBIENT = 47;
const PR_CAP_AMBIENT_CLEAR_ALL = 4;
const CAPABILITY_VERSION_3 = 0x20080522;
const EINVAL = 22;

export function setNoNewPrivileges(): void {
  check(native.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 'set no-new-privileges');
}

/** Empties the ambient, bounding, effective, permitted and inheritable capability sets. */
export function dropAllCapabilities(): void {
  check(native.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), 'clear ambient capabilities');
  // The kernel answers EINVAL past its last capability (no /proc needed to know which that is).
  for (let cap = 0; Number(native.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) === 0; cap += 1);
  if (lastErrno() !== EINVAL) throw new SysError('drop bounding capabilities', lastErrno());
  const header = Buffer.alloc(8);
  header.writeUInt32LE(CAPABILITY_VERSION_3, 0);
  const data = Buffer.alloc(24);
  check(native.syscall(syscallNumbers().capset, 'void *', header, 'void *', data), 'clear capabilities');
}

/** Makes `newRoot` (a mount point) the root of this mount namespace and detaches the old root. */
export function switchRoot(newRoot: string): void {
  check(native.chdir(newRoot), `change directory to ${newRoot}`);
  check(native.syscall(syscallNumbers().pivotRoot, 'str', '.', 'str', '.'), `pivot_root to ${newRoot}`);
  const MS_REC = 16384;
  const MS_SLAVE = 1 << 19;
  check(native.mount(null, '.', null, MS_REC | MS_SLAVE, null), 'make the old root a slave');
  check(native.umount2('.', 2), 'detach the old root');
  check(native.chroot('.'), 'chroot');
  check(native.chdir('/'), 'change directory to /');
}

const CLONE_NEWCGROUP = 0x02000000;

/** A new cgroup namespace where the kernel has them; its absence is not an error. */
export function unshareCgroupNamespace(): void {
  native.unshare(CLONE_NEWCGROUP);
}

export function changeDirectory(dir: string): boolean {
  return Number(native.chdir(dir)) === 0;
}

const RLIMIT_FSIZE = 1;

/** Sets the file-size limit (bytes; negative means unlimited). Failure is ignored, as login does. */
export function setFileSizeLimit(bytes: number): void {
  const limit = Buffer.alloc(16);
  const value = bytes < 0 ? 0xffffffffffffffffn : BigInt(bytes);
  limit.writeBigUInt64LE(value, 0);
  limit.writeBigUInt64LE(value, 8);
  native.setrlimit(RLIMIT_FSIZE, limit);
}
