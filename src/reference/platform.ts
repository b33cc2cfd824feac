// Platforms: what `--arch` asks for and what an image is built for. `--arch` takes kernel machine
// names (x86_64, aarch64, ppc64le) like the reference, and also registry names (amd64, arm64), optionally
// with a variant (arm64/v8, arm/v7).
import os from 'node:os';
import { EnrootError } from '../errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Kernel machine names and registry names, mapped to registry names. */
const ARCHITECTURES: ReadonlyMap<string, string> = new Map([
  ['x86_64', 'amd64'],
  ['amd64', 'amd64'],
  ['aarch64', 'arm64'],
  ['arm64', 'arm64'],
  ['ppc64le', 'ppc64le'],
  ['s390x', 's390x'],
  ['riscv64', 'riscv64'],
  ['armv7l', 'arm'],
  ['arm', 'arm'],
]);

/** The variant a machine name implies (armv7l is arm/v7); registry names imply none. */
const IMPLIED_VARIANTS: ReadonlyMap<string, string> = new Map([['armv7l', 'v7']]);

/** Node's process.arch values, mapped to registry names. */
const NODE_ARCHITECTURES: ReadonlyMap<string, string> = new Map([
  ['x64', 'amd64'],
  ['arm64', 'arm64'],
  ['ppc64', 'ppc64le'],
  ['s390x', 's390x'],
  ['riscv64', 'riscv64'],
  ['arm', 'arm'],
]);

/** Parses an `--arch` value (`x86_64`, `arm64`, `arm64/v8`, ...) into a Linux platform. */
export function parseArchitecture(value: string): Platform {
  const [name = '', variant, ...rest] = value.split('/');
  const architecture = ARCHITECTURES.get(name);
  if (architecture === undefined || rest.length > 0 || variant === '' || (variant !== undefined && !/^v\d+$/.test(variant))) {
    throw new EnrootError(
      `Unsupported architecture: ${value} (use x86_64, aarch64, ppc64le, s390x, riscv64, or a registry name like amd64, arm64, arm64/v8)`,
    );
  }
  const implied = variant ?? IMPLIED_VARIANTS.get(name);
  return implied === undefined ? { os: 'linux', architecture } : { os: 'linux', architecture, variant: implied };
}

/** The platform of this machine. */
export function hostPlatform(): Platform {
  const architecture = NODE_ARCHITECTURES.get(process.arch) ?? os.machine();
  return { os: 'linux', architecture };
}

/** The platform `--arch` asks for, or this machine's when it is absent. */
export function requestedPlatform(arch: string | undefined): Platform {
  return arch === undefined ? hostPlatform() : parseArchitecture(arch);
}

/** `linux/arm64/v8` style text. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])].join('/');
}

/** The platform an image config declares, completed from the index entry that led to it (if any). */
export function configPlatform(config: Record<string, unknown>, fallback: Platform | undefined): Platform {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const platform: Platform = {
    os: text(config.os) ?? fallback?.os ?? '',
    architecture: text(config.architecture) ?? fallback?.architecture ?? '',
  };
  const variant = text(config.variant) ?? fallback?.variant;
  if (variant !== undefined) platform.variant = variant;
  return platform;
}
