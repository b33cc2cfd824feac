// What a container asks of the GPU support (spec 11.5): the NVIDIA_* variables, taken from the
// host environment, else from the last value in the container's environment file.
import { EnrootError } from '../errors.js';

export const CAPABILITIES = ['compute', 'compat32', 'display', 'graphics', 'utility', 'video'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface GpuRequest {
  /** 'all', or device indexes, UUIDs or MIG identifiers; empty with NVIDIA_VISIBLE_DEVICES=none (driver only). */
  devices: 'all' | string[];
  capabilities: Set<Capability>;
  /** NVIDIA_REQUIRE_* constraint expressions, empty with NVIDIA_DISABLE_REQUIRE. */
  requires: string[];
  migConfig?: string;
  migMonitor?: string;
}

/** Looks a variable up the way the standard hooks do: host environment first, then the environment file. */
export function effectiveLookup(env: Readonly<Record<string, string | undefined>>, environFile: string): (name: string) => string | undefined {
  const fromFile = new Map<string, string>();
  for (const line of environFile.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fromFile.set(line.slice(0, at), line.slice(at + 1));
  }
  return (name) => {
    const value = env[name];
    return value !== undefined && value !== '' ? value : fromFile.get(name);
  };
}

export function parseCapabilities(value: string | undefined): Set<Capability> {
  const names = (value === undefined || value === '' ? 'utility' : value).split(',').map((name) => name.trim()).filter((name) => name !== '');
  const result = new Set<Capability>();
  for (const name of names) {
    if (name === 'all') CAPABILITIES.forEach((cap) => result.add(cap));
    else if ((CAPABILITIES as readonly string[]).includes(name)) result.add(name as Capability);
    else throw new EnrootError(`Unknown NVIDIA driver capability: ${name} (NVIDIA_DRIVER_CAPABILITIES takes a comma list of ${CAPABILITIES.join(', ')} or all)`);
  }
  return result;
}

/** The request, or null when the container asks for no GPU (unset, empty or `void`). */
export function gpuRequest(lookup: (name: string) => string | undefined, names: readonly string[]): GpuRequest | null {
  const visible = lookup('NVIDIA_VISIBLE_DEVICES');
  if (visible === undefined || visible === '' || visible === 'void') return null;
  const devices = visible === 'all' ? 'all' : visible === 'none' ? [] : visible.split(',').map((id) => id.trim()).filter((id) => id !== '');
  const disabled = lookup('NVIDIA_DISABLE_REQUIRE');
  const requires =
    disabled !== undefined && disabled !== '' && !/^(0|no?|false|off)$/i.test(disabled)
      ? []
      : names.filter((name) => name.startsWith('NVIDIA_REQUIRE_')).sort().flatMap((name) => {
          const value = lookup(name);
          return value === undefined || value === '' ? [] : [value];
        });
  const request: GpuRequest = { devices, capabilities: parseCapabilities(lookup('NVIDIA_DRIVER_CAPABILITIES')), requires };
  const migConfig = lookup('NVIDIA_MIG_CONFIG_DEVICES');
  const migMonitor = lookup('NVIDIA_MIG_MONITOR_DEVICES');
  if (migConfig !== undefined && migConfig !== '') request.migConfig = migConfig;
  if (migMonitor !== undefined && migMonitor !== '') request.migMonitor = migMonitor;
  return request;
}

/** Whether the container asks for GPUs at all (NVIDIA_VISIBLE_DEVICES set, and not to void). */
export function gpusRequested(env: Readonly<Record<string, string | undefined>>, environFile: string): boolean {
  return gpuRequest(effectiveLookup(env, environFile), []) !== null;
}

/** Whether the container asks for HCAs at all (MELLANOX_VISIBLE_DEVICES set, and not to void or none). */
export function hcasRequested(env: Readonly<Record<string, string | undefined>>, environFile: string): boolean {
  const visible = effectiveLookup(env, environFile)('MELLANOX_VISIBLE_DEVICES');
  return visible !== undefined && visible !== '' && visible !== 'void' && visible !== 'none';
}

/** Every variable name the host environment and the environment file define. */
export function variableNames(env: Readonly<Record<string, string | undefined>>, environFile: string): string[] {
  const names = new Set(Object.keys(env));
  for (const line of environFile.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) names.add(line.slice(0, at));
  }
  return [...names];
}
