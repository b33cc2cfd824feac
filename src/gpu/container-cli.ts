// The nvidia-container-cli backend: the reference's way, one `configure` call that mounts the
// driver into the rootfs and refreshes its linker cache.
import { childProcess } from '../lazy-builtins.js';
import { EnrootError } from '../errors.js';
import { findLdconfig } from './host.js';
import type { GpuRequest } from './request.js';

export function containerCliArgs(request: GpuRequest, rootfs: string, ldconfig: string, debug: boolean): string[] {
  const args = ['--user', ...(debug ? ['--debug=/dev/stderr'] : []), 'configure', '--no-cgroups', `--ldconfig=@${ldconfig}`];
  if (request.devices === 'all' || request.devices.length > 0) args.push(`--device=${request.devices === 'all' ? 'all' : request.devices.join(',')}`);
  if (request.migConfig !== undefined) args.push(`--mig-config=${request.migConfig}`);
  if (request.migMonitor !== undefined) args.push(`--mig-monitor=${request.migMonitor}`);
  for (const cap of [...request.capabilities].sort()) args.push(`--${cap}`);
  for (const requirement of request.requires) args.push(`--require=${requirement}`);
  args.push(rootfs);
  return args;
}

export function runContainerCli(program: string, request: GpuRequest, rootfs: string, env: NodeJS.ProcessEnv): void {
  const ldconfig = findLdconfig(env.PATH);
  if (ldconfig === null) throw new EnrootError('Command not found: ldconfig (install the C library tools)');
  const debug = env.NVIDIA_DEBUG_LOG !== undefined && env.NVIDIA_DEBUG_LOG !== '';
  const result = childProcess().spawnSync(program, containerCliArgs(request, rootfs, ldconfig, debug), { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (result.error !== undefined) throw new EnrootError(`${program} could not be run: ${result.error.message}`);
  if (result.status !== 0) throw new EnrootError(`${program} failed with exit status ${result.status ?? result.signal} (see its message above)`);
}
