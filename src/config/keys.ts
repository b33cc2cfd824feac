// The settings enroot knows, with their types and built-in defaults (spec 2.4), and the key
// patterns a configuration file may set (spec 2.2).
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { COMPATIBLE_VERSION, DEFAULT_LIBRARY_DIR, DEFAULT_SYSCONF_DIR, PACKAGE_ROOT } from './install.js';

export type SettingKind = 'path' | 'integer' | 'boolean' | 'string';

export interface SettingDefinition {
  name: string;
  kind: SettingKind;
  /** Built-in default; booleans default to false unless this returns a value. Receives the environment so far. */
  fallback?: (env: Readonly<Record<string, string>>) => string;
  description: string;
}

function findInPath(program: string, env: Readonly<Record<string, string>>): boolean {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

const define = (
  name: string,
  kind: SettingKind,
  description: string,
  fallback?: (env: Readonly<Record<string, string>>) => string,
): SettingDefinition => ({ name, kind, description, ...(fallback ? { fallback } : {}) });

export const SETTINGS: readonly SettingDefinition[] = [
  define('ENROOT_LIBRARY_PATH', 'path', 'Shell libraries for hooks', () => DEFAULT_LIBRARY_DIR),
  // /etc/enroot where a site installed one, else the standard configuration shipped with this package.
  define('ENROOT_SYSCONF_PATH', 'path', 'System configuration (hooks.d, mounts.d, environ.d)', () =>
    fs.existsSync(DEFAULT_SYSCONF_DIR) ? DEFAULT_SYSCONF_DIR : path.join(PACKAGE_ROOT, 'conf'),
  ),
  define('ENROOT_RUNTIME_PATH', 'path', 'Working directory of running containers', (env) => `${env.XDG_RUNTIME_DIR}/enroot`),
  define('ENROOT_CONFIG_PATH', 'path', 'User configuration and credentials', (env) => `${env.XDG_CONFIG_HOME}/enroot`),
  define('ENROOT_CACHE_PATH', 'path', 'Downloaded layers', (env) => `${env.XDG_CACHE_HOME}/enroot`),
  define('ENROOT_DATA_PATH', 'path', 'Container root filesystems', (env) => `${env.XDG_DATA_HOME}/enroot`),
  define('ENROOT_TEMP_PATH', 'path', 'Temporary files', (env) => (env.TMPDIR !== undefined && env.TMPDIR !== '' ? env.TMPDIR : '/tmp')),
  define('ENROOT_GZIP_PROGRAM', 'string', 'Gzip program (kept for compatibility; layers are decompressed in-process)', (env) =>
    findInPath('pigz', env) ? 'pigz' : 'gzip',
  ),
  define('ENROOT_ZSTD_OPTIONS', 'string', 'Options for zstd compression', () => '-1'),
  define('ENROOT_SQUASH_OPTIONS', 'string', 'Squashfs writer options, in mksquashfs syntax', () => '-comp gzip -noD -noF'),
  define('ENROOT_MAX_PROCESSORS', 'integer', 'Processors used for parallel work', () => String(os.availableParallelism())),
  define('ENROOT_MAX_CONNECTIONS', 'integer', 'Parallel blob downloads (0 = unlimited)', () => '10'),
  define('ENROOT_CONNECT_TIMEOUT', 'integer', 'Seconds to wait for a connection', () => '30'),
  define('ENROOT_TRANSFER_TIMEOUT', 'integer', 'Seconds a transfer may stall (0 = no limit)', () => '0'),
  define('ENROOT_TRANSFER_RETRIES', 'integer', 'Retries of a failed transfer', () => '0'),
  define('ENROOT_LOGIN_SHELL', 'boolean', 'Run the container init as a login shell', () => 'true'),
  define('ENROOT_ALLOW_SUPERUSER', 'boolean', 'Let real root keep its privileges (no user namespace)'),
  define('ENROOT_ALLOW_HTTP', 'boolean', 'Allow plain HTTP to registries'),
  define('ENROOT_ROOTFS_WRITABLE', 'boolean', 'Writable root filesystem (start --rw)'),
  define('ENROOT_NATIVE_OVERLAYFS', 'boolean', 'Kernel overlayfs for containers started from images', () => 'true'),
  define('ENROOT_REMAP_ROOT', 'boolean', 'Become root inside the container (start --root)'),
  define('ENROOT_BUNDLE_ALL', 'boolean', 'Bundle the user configuration too (bundle --all)'),
  define('ENROOT_BUNDLE_CHECKSUM', 'boolean', 'Embed a checksum in bundles (bundle --checksum)'),
  define('ENROOT_FORCE_OVERRIDE', 'boolean', 'Replace existing outputs (--force)'),
  define('ENROOT_UNSHARE_NET', 'boolean', 'New network namespace (start --net)'),
  define('ENROOT_UNSHARE_PID', 'boolean', 'New PID namespace (start --pid)'),
  define('ENROOT_UNSHARE_IPC', 'boolean', 'New IPC namespace (start --ipc)'),
  define('ENROOT_UNSHARE_UTS', 'boolean', 'New UTS namespace (start --uts)'),
  define('ENROOT_MOUNT_HOME', 'boolean', 'Mount the home directory (hook 10-home)'),
  define('ENROOT_RESTRICT_DEV', 'boolean', 'Restrict /dev to the standard devices (hook 10-devices)'),
  define('ENROOT_ROOTFS', 'string', 'Container for batch scripts'),
  define('ENROOT_DEBUG', 'boolean', 'Print diagnostics and stack traces'),
  define('ENROOT_VERSION', 'string', 'Version of the enroot interface', () => COMPATIBLE_VERSION),
];

export const SETTINGS_BY_NAME: ReadonlyMap<string, SettingDefinition> = new Map(SETTINGS.map((s) => [s.name, s]));

/** Keys a configuration file or `#ENROOT_` directive may set; other lines are ignored (spec 2.2). */
const ACCEPTED_KEY = /^(ENROOT_[A-Z_]+|(MELLANOX_|NVIDIA_).*|SSL_CERT_(DIR|FILE)|(all|no|http|https)_proxy)$/;

export function isAcceptedKey(key: string): boolean {
  return ACCEPTED_KEY.test(key);
}

/** The reference's false spellings; any ENROOT_ variable holding one is removed (spec 2.3). */
const REFERENCE_FALSE = /^(no?|N[oO]?|[fF](alse)?|FALSE)$/;
/** We also read 0 and off (any case) as false, for boolean settings only: numeric settings use 0. */
const EXTRA_BOOLEAN_FALSE = /^(0|off)$/i;

export function isFalseSpelling(name: string, value: string): boolean {
  if (REFERENCE_FALSE.test(value)) return true;
  return SETTINGS_BY_NAME.get(name)?.kind === 'boolean' && EXTRA_BOOLEAN_FALSE.test(value);
}
