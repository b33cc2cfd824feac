// Where this installation lives and what it calls itself. The reference fixes these at build time;
// we derive them from the package location, with one environment override for the system config file.
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';

/** The enroot release whose interface we implement; `enroot version` prints it, scripts compare against it. */
export const COMPATIBLE_VERSION = '4.1.2';

/** This implementation's own version. */
export const IMPLEMENTATION_VERSION = '0.1.0';

/**
 * The package root (the directory holding bin/, dist/, conf/, package.json): the nearest directory above
 * this module with a package.json, so it is the same whether the code runs from dist/src or the bundle.
 */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '../../..');
  }
}

/** The directory of the system configuration (hooks.d, mounts.d, environ.d, enroot.conf). */
export const DEFAULT_SYSCONF_DIR = '/etc/enroot';

/** Shell libraries for hooks (common.sh) live here. */
export const DEFAULT_LIBRARY_DIR = path.join(PACKAGE_ROOT, 'lib');

/**
 * The system configuration file. The reference compiles this path in; we read it from
 * ENROOT_CONF_FILE when that is set (tests, unusual installs), else `<sysconf>/enroot.conf`.
 */
export function systemConfigFile(env: NodeJS.ProcessEnv): string {
  const override = env.ENROOT_CONF_FILE;
  return override !== undefined && override !== '' ? path.resolve(override) : path.join(DEFAULT_SYSCONF_DIR, 'enroot.conf');
}
