// The NVIDIA driver's user-space files, by driver capability (the sets nvidia-container-cli uses).
import type { Capability } from './request.js';

/** Library names, without the `.so...` suffix. */
export const LIBRARIES: Readonly<Record<Capability, readonly string[]>> = {
  utility: ['libnvidia-ml', 'libnvidia-cfg', 'libnvidia-nscq'],
  compute: [
    'libcuda',
    'libcudadebugger',
    'libnvidia-opencl',
    'libnvidia-gpucomp',
    'libnvidia-ptxjitcompiler',
    'libnvidia-fatbinaryloader',
    'libnvidia-allocator',
    'libnvidia-compiler',
    'libnvidia-nvvm',
    'libnvidia-pkcs11',
    'libnvidia-pkcs11-openssl3',
  ],
  video: ['libvdpau_nvidia', 'libnvidia-encode', 'libnvidia-opticalflow', 'libnvcuvid'],
  graphics: [
    'libnvidia-eglcore',
    'libnvidia-glcore',
    'libnvidia-tls',
    'libnvidia-glsi',
    'libnvidia-fbc',
    'libnvidia-rtcore',
    'libnvoptix',
    'libGLX_nvidia',
    'libEGL_nvidia',
    'libGLESv2_nvidia',
    'libGLESv1_CM_nvidia',
    'libnvidia-glvkspirv',
    'libnvidia-egl-gbm',
    'libnvidia-egl-wayland',
  ],
  display: ['libnvidia-wfb'],
  compat32: [],
};

export const BINARIES: Readonly<Record<Capability, readonly string[]>> = {
  utility: ['nvidia-smi', 'nvidia-debugdump', 'nvidia-persistenced'],
  compute: ['nvidia-cuda-mps-control', 'nvidia-cuda-mps-server'],
  video: [],
  graphics: [],
  display: [],
  compat32: [],
};

/** Where drivers are installed when the linker cache does not list them. */
export const LIBRARY_DIRS_64 = [
  '/usr/local/nvidia/lib64',
  '/usr/lib64/nvidia',
  '/usr/lib/x86_64-linux-gnu/nvidia/current',
  '/usr/lib/aarch64-linux-gnu/nvidia/current',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib/nvidia',
];
export const LIBRARY_DIRS_32 = ['/usr/local/nvidia/lib', '/usr/lib/i386-linux-gnu/nvidia/current', '/usr/lib/i386-linux-gnu', '/usr/lib32', '/usr/lib'];
export const BINARY_DIRS = ['/usr/local/nvidia/bin', '/usr/bin', '/usr/local/bin', '/bin', '/usr/sbin', '/sbin'];

/** Where libraries go in the container, per word size, by the architecture's conventions. */
export function containerLibraryDirs(arch: string): { lib64: string[]; lib32: string[] } {
  const triplet = arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  return { lib64: [`/usr/lib/${triplet}`, '/usr/lib64'], lib32: ['/usr/lib/i386-linux-gnu', '/usr/lib32'] };
}
