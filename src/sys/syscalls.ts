// Numbers of the system calls that libc does not wrap (or wraps only recently), per architecture.
import { EnrootError } from '../errors.js';

interface SyscallNumbers {
  capset: number;
  pivotRoot: number;
  seccomp: number;
  openat2: number;
}

const BY_ARCH: Record<string, SyscallNumbers> = {
  x64: { capset: 126, pivotRoot: 155, seccomp: 317, openat2: 437 },
  arm64: { capset: 91, pivotRoot: 41, seccomp: 277, openat2: 437 },
  ppc64: { capset: 184, pivotRoot: 203, seccomp: 358, openat2: 437 },
};

export function syscallNumbers(): SyscallNumbers {
  const numbers = BY_ARCH[process.arch];
  if (numbers === undefined) throw new EnrootError(`Unsupported architecture for containers: ${process.arch}`);
  return numbers;
}
