// Which GPU backend a host gets, chosen automatically: CDI when specs for nvidia.com/gpu exist,
// else nvidia-container-cli when installed, else the built-in discovery.
import { cdiEdits, loadCdiSpecs, NVIDIA_GPU_KIND, type CdiSpec } from './cdi.js';
import { discoverDriver } from './discovery.js';
import type { ContainerEdits } from './edits.js';
import { findHostProgram, searchDirs, type HostView } from './host.js';
import type { GpuRequest } from './request.js';

export type GpuBackend = { kind: 'cdi'; specs: CdiSpec[] } | { kind: 'nvidia-container-cli'; program: string } | { kind: 'builtin' };

export function chooseBackend(view: HostView, envPath: string | undefined): GpuBackend {
  const specs = loadCdiSpecs(view.root, NVIDIA_GPU_KIND);
  if (specs.length > 0) return { kind: 'cdi', specs };
  const program = findHostProgram(view, 'nvidia-container-cli', searchDirs(envPath));
  return program === null ? { kind: 'builtin' } : { kind: 'nvidia-container-cli', program };
}

export function describeBackend(backend: GpuBackend): string {
  switch (backend.kind) {
    case 'cdi':
      return `cdi (${backend.specs.map((spec) => spec.file).join(', ')})`;
    case 'nvidia-container-cli':
      return `nvidia-container-cli (${backend.program})`;
    default:
      return 'built-in discovery (no CDI spec for nvidia.com/gpu in /etc/cdi or /var/run/cdi, no nvidia-container-cli)';
  }
}

/** The edits of the CDI and built-in backends, with warnings for capabilities the host lacks. */
export function backendEdits(backend: GpuBackend & { kind: 'cdi' | 'builtin' }, view: HostView, request: GpuRequest, rootfs: string): { edits: ContainerEdits; warnings: string[] } {
  if (backend.kind === 'cdi') return { edits: cdiEdits(backend.specs, request.devices, NVIDIA_GPU_KIND), warnings: [] };
  const { edits, missing } = discoverDriver(view, request, rootfs, process.arch);
  return { edits, warnings: missing.map((cap) => `No NVIDIA driver files found for capability ${cap}; it is skipped`) };
}
