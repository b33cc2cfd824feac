// Built-in discovery, for hosts with neither CDI specs nor nvidia-container-cli: the device nodes,
// and the driver libraries and programs of the requested capabilities, found through the host's
// linker cache and the usual driver locations, bind-mounted read-only.
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';
import { BINARIES, BINARY_DIRS, containerLibraryDirs, LIBRARIES, LIBRARY_DIRS_32, LIBRARY_DIRS_64 } from './driver-files.js';
import { emptyEdits, type ContainerEdits } from './edits.js';
import { findHostProgram, hostFile, type HostView } from './host.js';
import type { Capability, GpuRequest } from './request.js';

export interface HostGpu {
  /** The N of /dev/nvidiaN. */
  minor: number;
  uuid?: string;
  pciBusId?: string;
}

const READ_ONLY_BIND = ['bind', 'ro', 'nosuid', 'nodev', 'private'];

function exists(view: HostView, file: string): boolean {
  return fs.existsSync(hostFile(view, file));
}

/** The GPUs in nvidia-smi's order (PCI bus order), from the driver's /proc files, else from /dev. */
export function hostGpus(view: HostView): HostGpu[] {
  const procDir = hostFile(view, '/proc/driver/nvidia/gpus');
  if (fs.existsSync(procDir)) {
    return fs
      .readdirSync(procDir)
      .sort()
      .flatMap((pciBusId) => {
        let info: string;
        try {
          info = fs.readFileSync(path.join(procDir, pciBusId, 'information'), 'utf8');
        } catch {
          return [];
        }
        const minor = /^Device Minor:\s*(\d+)/m.exec(info);
        const uuid = /^GPU UUID:\s*(\S+)/m.exec(info);
        return minor === null ? [] : [{ minor: Number(minor[1]), pciBusId, ...(uuid === null ? {} : { uuid: uuid[1] as string }) }];
      });
  }
  let names: string[] = [];
  try {
    names = fs.readdirSync(hostFile(view, '/dev'));
  } catch {
    // no /dev: no GPUs
  }
  return names.flatMap((name) => (/^nvidia\d+$/.test(name) ? [{ minor: Number(name.slice(6)) }] : [])).sort((a, b) => a.minor - b.minor);
}

/** The GPUs NVIDIA_VISIBLE_DEVICES names: all, indexes or GPU UUIDs. */
export function selectGpus(gpus: readonly HostGpu[], devices: 'all' | readonly string[]): HostGpu[] {
  if (devices === 'all') return [...gpus];
  return devices.map((id) => {
    if (id.startsWith('MIG-') || id.includes(':')) {
      throw new EnrootError(`MIG device ${id} needs CDI specs or nvidia-container-cli (generate specs with: nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml)`);
    }
    const gpu = /^\d+$/.test(id) ? gpus[Number(id)] : gpus.find((each) => each.uuid === id);
    const known = gpus.length === 0 ? 'this host has no GPUs' : `this host has ${gpus.length} GPU(s), indexes 0-${gpus.length - 1}`;
    if (gpu === undefined) throw new EnrootError(`Unknown NVIDIA device: ${id} (${known}; see nvidia-smi -L)`);
    return gpu;
  });
}

interface LibraryFiles {
  /** Host path of the real (versioned) file. */
  real: string;
  /** Names that lead to it (sonames, development names). */
  names: Set<string>;
}

/** The host files of one library, from the linker cache, else from the usual driver directories. */
function findLibrary(view: HostView, base: string, is64: boolean): LibraryFiles[] {
  const prefix = `${base}.so`;
  const candidates = view
    .linkerCache()
    .filter((entry) => entry.is64 === is64 && (entry.name === prefix || entry.name.startsWith(`${prefix}.`)))
    .map((entry) => ({ name: entry.name, file: entry.path }));
  if (candidates.length === 0) {
    for (const dir of is64 ? LIBRARY_DIRS_64 : LIBRARY_DIRS_32) {
      let names: string[];
      try {
        names = fs.readdirSync(hostFile(view, dir));
      } catch {
        continue;
      }
      const found = names.filter((name) => name === prefix || name.startsWith(`${prefix}.`));
      candidates.push(...found.map((name) => ({ name, file: path.join(dir, name) })));
      if (found.length > 0) break;
    }
  }
  const byReal = new Map<string, LibraryFiles>();
  for (const { name, file } of candidates) {
    let real: string;
    try {
      real = path.join('/', path.relative(view.root, fs.realpathSync(hostFile(view, file))));
    } catch {
      continue;
    }
    const entry = byReal.get(real) ?? { real, names: new Set<string>() };
    entry.names.add(name);
    byReal.set(real, entry);
  }
  return [...byReal.values()];
}

/** The first candidate directory the rootfs has, else the first one (created by the mounts). */
function pickDir(rootfs: string, candidates: readonly string[]): string {
  return candidates.find((dir) => fs.existsSync(path.join(rootfs, dir))) ?? (candidates[0] as string);
}

function addLibraries(edits: ContainerEdits, libraries: readonly LibraryFiles[], dir: string): void {
  for (const library of libraries) {
    const file = path.basename(library.real);
    edits.mounts.push({ hostPath: library.real, containerPath: path.posix.join(dir, file), options: READ_ONLY_BIND });
    for (const name of library.names) if (name !== file) edits.symlinks.push({ link: path.posix.join(dir, name), target: file });
  }
  if (libraries.length > 0 && !edits.libraryDirs.includes(dir)) edits.libraryDirs.push(dir);
}

export interface Discovery {
  edits: ContainerEdits;
  /** Requested capabilities for which the host has no driver files. */
  missing: Capability[];
}

/** The device nodes, libraries and programs of `request` on this host, for a container at `rootfs`. */
export function discoverDriver(view: HostView, request: GpuRequest, rootfs: string, arch: string): Discovery {
  const lacking = [exists(view, '/dev/nvidiactl') ? '' : '/dev/nvidiactl', findLibrary(view, 'libnvidia-ml', true).length === 0 ? 'libnvidia-ml.so' : ''].filter(
    (what) => what !== '',
  );
  if (lacking.length > 0) {
    throw new EnrootError(
      `No NVIDIA driver found on this host (missing ${lacking.join(' and ')}): install the driver and load its kernel module, or unset NVIDIA_VISIBLE_DEVICES`,
    );
  }
  const edits = emptyEdits();
  const caps = request.capabilities;
  const nodes = ['/dev/nvidiactl', '/dev/nvidia-uvm', '/dev/nvidia-uvm-tools'];
  if (caps.has('graphics') || caps.has('display')) nodes.push('/dev/nvidia-modeset');
  nodes.push(...selectGpus(hostGpus(view), request.devices).map((gpu) => `/dev/nvidia${gpu.minor}`));
  for (const node of nodes) if (exists(view, node)) edits.deviceNodes.push({ hostPath: node, path: node });
  if ((request.devices === 'all' || request.devices.length > 0) && exists(view, '/dev/nvidia-caps')) {
    edits.mounts.push({ hostPath: '/dev/nvidia-caps', containerPath: '/dev/nvidia-caps', options: ['rbind', 'nosuid', 'noexec', 'private'] });
  }
  const dirs = containerLibraryDirs(arch);
  const lib64 = pickDir(rootfs, dirs.lib64);
  const lib32 = pickDir(rootfs, dirs.lib32);
  const missing: Capability[] = [];
  for (const cap of caps) {
    if (cap === 'compat32') continue;
    const libraries = LIBRARIES[cap].flatMap((base) => findLibrary(view, base, true));
    const programs = BINARIES[cap].flatMap((name) => {
      const found = findHostProgram(view, name, BINARY_DIRS);
      return found === null ? [] : [{ name, found }];
    });
    if (libraries.length === 0 && programs.length === 0) missing.push(cap);
    addLibraries(edits, libraries, lib64);
    if (caps.has('compat32')) addLibraries(edits, LIBRARIES[cap].flatMap((base) => findLibrary(view, base, false)), lib32);
    for (const { name, found } of programs) edits.mounts.push({ hostPath: found, containerPath: `/usr/bin/${name}`, options: READ_ONLY_BIND });
  }
  return { edits, missing };
}
