// The C library, loaded once through koffi: the only place that declares native functions.
// Every wrapper in src/sys/ calls these and turns a failing return into a SysError.
import { createRequire } from 'node:module';

/**
 * koffi's native addon, loaded directly where its glibc build is installed: koffi's package entry spends ~5 ms
 * choosing the build (it reads the ELF header of the node binary to tell glibc from musl), which each of the
 * two Node processes of `enroot start` paid. Anywhere else (musl), koffi's entry chooses as usual.
 */
function loadKoffi(): typeof import('koffi') {
  const require = createRequire(import.meta.url);
  const { platform, arch } = process;
  try {
    return require(`@koromix/koffi-${platform}-${arch}/${platform}_${arch}/koffi.node`) as typeof import('koffi');
  } catch {
    return require('koffi') as typeof import('koffi');
  }
}

export const koffi = loadKoffi();

const libc = koffi.load('libc.so.6');

type NativeFunction = (...args: unknown[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

function lazy(signature: string): NativeFunction {
  let declared: NativeFunction | undefined;
  return (...args) => (declared ??= libc.func(signature) as NativeFunction)(...args);
}

// Each function is declared on first use: a start uses a handful, and declaring costs time.
export const native = {
  mount: lazy('int mount(const char *source, const char *target, const char *type, unsigned long flags, const char *data)'),
  umount2: lazy('int umount2(const char *target, int flags)'),
  chroot: lazy('int chroot(const char *path)'),
  chdir: lazy('int chdir(const char *path)'),
  unshare: lazy('int unshare(int flags)'),
  execve: lazy('int execve(const char *path, const char **argv, const char **envp)'),
  prctl: lazy('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)'),
  syscall: lazy('long syscall(long number, ...)'),
  fcntl: lazy('int fcntl(int fd, int cmd, ...)'),
  flock: lazy('int flock(int fd, int operation)'),
  mkdirat: lazy('int mkdirat(int dirfd, const char *path, uint32_t mode)'),
  openat: lazy('int openat(int dirfd, const char *path, int flags, ...)'),
  readlinkat: lazy('long readlinkat(int dirfd, const char *path, void *buf, size_t size)'),
  close: lazy('int close(int fd)'),
  statvfs: lazy('int statvfs(const char *path, void *buf)'),
  memfdCreate: lazy('int memfd_create(const char *name, unsigned int flags)'),
  mallopt: lazy('int mallopt(int param, int value)'),
  mallocTrim: lazy('int malloc_trim(size_t pad)'),
  signal: lazy('intptr_t signal(int sig, intptr_t handler)'),
  sigprocmask: lazy('int sigprocmask(int how, const void *set, void *old)'),
  setrlimit: lazy('int setrlimit(int resource, const void *limit)'),
  socket: lazy('int socket(int domain, int type, int protocol)'),
  ioctl: lazy('int ioctl(int fd, unsigned long request, ...)'),
  getpwuidR: lazy('int getpwuid_r(uint32_t uid, void *entry, void *strings, size_t size, _Out_ void **result)'),
  getgrgidR: lazy('int getgrgid_r(uint32_t gid, void *entry, void *strings, size_t size, _Out_ void **result)'),
  strerror: lazy('const char *strerror(int errnum)'),
  symlinkat: lazy('int symlinkat(const char *target, int dirfd, const char *path)'),
  mknodat: lazy('int mknodat(int dirfd, const char *path, uint32_t mode, uint64_t dev)'),
  linkat: lazy('int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)'),
  fchownat: lazy('int fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)'),
  fchmodat: lazy('int fchmodat(int dirfd, const char *path, uint32_t mode, int flags)'),
  utimensat: lazy('int utimensat(int dirfd, const char *path, const void *times, int flags)'),
  fsetxattr: lazy('int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)'),
  copyFileRange: lazy('long copy_file_range(int fdIn, void *offIn, int fdOut, void *offOut, size_t length, unsigned int flags)'),
};

/** The errno of the last failed call. */
export function lastErrno(): number {
  return koffi.errno();
}

/** The symbolic name of an errno value (ENOENT), for error codes. */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(koffi.os.errno)) if (value === errno) return name;
  return `E${errno}`;
}

/** An operating-system failure: `<what>: <OS error text>`, with the errno name as code. */
export class SysError extends Error {
  readonly errno: number;
  readonly code: string;
  /** The OS error text alone (No such file or directory). */
  readonly reason: string;

  constructor(what: string, errno: number) {
    const reason = native.strerror(errno) as string;
    super(`${what}: ${reason}`);
    this.name = 'SysError';
    this.errno = errno;
    this.code = errnoName(errno);
    this.reason = reason;
  }
}

/** Throws a SysError when a libc call returned -1. */
export function check(result: number | bigint, what: string): number {
  if (Number(result) < 0) throw new SysError(what, lastErrno());
  return Number(result);
}
