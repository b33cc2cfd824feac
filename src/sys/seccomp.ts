// The seccomp filter of user-namespace containers: ownership and identity changes (chown family,
// set*id, setgroups) succeed without doing anything, so package managers work as fake root.
// Only the native ABI is filtered; other ABIs and every other call pass unchanged.
import { koffi, check, native } from './libc.js';
import { syscallNumbers } from './syscalls.js';

interface ArchSyscalls {
  auditArch: number;
  faked: number[];
  /** setfsuid/setfsgid: faked too, except for the query form (argument -1). */
  fsIds: number[];
}

const ARCHES: Record<string, ArchSyscalls> = {
  // chown fchown lchown fchownat setuid setgid setreuid setregid setresuid setresgid setgroups
  x64: { auditArch: 0xc000003e, faked: [92, 93, 94, 260, 105, 106, 113, 114, 117, 119, 116], fsIds: [122, 123] },
  arm64: { auditArch: 0xc00000b7, faked: [55, 54, 146, 144, 145, 143, 147, 149, 159], fsIds: [151, 152] },
  ppc64: { auditArch: 0xc0000015, faked: [181, 95, 16, 289, 23, 46, 70, 71, 164, 169, 81], fsIds: [138, 139] },
};

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_RET_K = 0x06;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_SUCCESS = 0x00050000; // SECCOMP_RET_ERRNO with errno 0: the call returns 0
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0_LOW = 16;

type Instruction = [code: number, jt: number, jf: number, k: number];

/** The BPF program; exported for tests. */
export function fakeRootFilter(arch: string): Instruction[] {
  const spec = ARCHES[arch];
  if (spec === undefined) return [[BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW]];
  const program: Instruction[] = [];
  const checks = spec.faked.length + spec.fsIds.length;
  // Layout: arch check, nr load, one jump per call, ALLOW, arg check, SUCCESS.
  program.push([BPF_LD_W_ABS, 0, 0, OFFSET_ARCH]);
  program.push([BPF_JEQ_K, 1, 0, spec.auditArch]);
  program.push([BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  program.push([BPF_LD_W_ABS, 0, 0, OFFSET_NR]);
  spec.faked.forEach((nr, index) => {
    const remaining = checks - index - 1;
    program.push([BPF_JEQ_K, remaining + 4, 0, nr]); // to SUCCESS
  });
  spec.fsIds.forEach((nr, index) => {
    const remaining = spec.fsIds.length - index - 1;
    program.push([BPF_JEQ_K, remaining + 1, 0, nr]); // to the argument check
  });
  program.push([BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  program.push([BPF_LD_W_ABS, 0, 0, OFFSET_ARG0_LOW]);
  program.push([BPF_JEQ_K, 0, 1, 0xffffffff]);
  program.push([BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  program.push([BPF_RET_K, 0, 0, SECCOMP_RET_SUCCESS]);
  return program;
}

const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_TSYNC = 1;

/**
 * Installs the filter on every thread of this process (Node has several); children inherit it.
 * Needs CAP_SYS_ADMIN in the current user namespace or no-new-privileges.
 */
export function installFakeRootFilter(): void {
  const program = fakeRootFilter(process.arch);
  const filter = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], index) => {
    filter.writeUInt16LE(code, index * 8);
    filter.writeUInt8(jt, index * 8 + 2);
    filter.writeUInt8(jf, index * 8 + 3);
    filter.writeUInt32LE(k >>> 0, index * 8 + 4);
  });
  const fprog = Buffer.alloc(16);
  fprog.writeUInt16LE(program.length, 0);
  fprog.writeBigUInt64LE(koffi.address(filter), 8);
  check(
    native.syscall(syscallNumbers().seccomp, 'uint', SECCOMP_SET_MODE_FILTER, 'uint', SECCOMP_FILTER_FLAG_TSYNC, 'void *', fprog),
    'install the seccomp filter',
  );
}
