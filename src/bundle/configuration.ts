// The configuration a bundle runs with: the system hooks, mounts and environment of the machine that made it,
// and with --all the user's too, plus the settings they chose. Built-in defaults are not captured: the carried
// runtime applies its own, so a bundle behaves like `enroot start` (the reference runs bundles without them).
import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config/settings.js';
import { shellQuote } from '../image/shell-quote.js';

const CONFIG_DIRECTORIES = ['hooks.d', 'mounts.d', 'environ.d'];

/** Settings that describe the bundling machine or this one command, never how a container should run. */
const NOT_CAPTURED = new Set(['ENROOT_CONF_FILE', 'ENROOT_VERSION', 'ENROOT_BUNDLE_ALL', 'ENROOT_BUNDLE_CHECKSUM', 'ENROOT_FORCE_OVERRIDE', 'ENROOT_ROOTFS']);

function copyDirectories(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const name of CONFIG_DIRECTORIES) {
    const source = path.join(from, name);
    if (fs.statSync(source, { throwIfNoEntry: false })?.isDirectory() === true) {
      fs.cpSync(source, path.join(to, name), { recursive: true, dereference: true });
    }
  }
}

/** `enroot.conf` lines for the settings the user chose (environment, configuration files), each value quoted. */
export function capturedSettings(settings: Settings): string {
  const lines = settings
    .enrootVariables()
    .filter(([name]) => !name.endsWith('_PATH') && !NOT_CAPTURED.has(name) && settings.source(name)?.kind !== 'default')
    .map(([name, value]) => `${name} ${shellQuote(value)}\n`);
  return `# Settings captured by enroot bundle --all\n${lines.join('')}`;
}

/** Writes `.enroot/etc/{system,user,enroot.conf}` into the bundled tree. */
export function copyBundleConfiguration(tree: string, settings: Settings, all: boolean): void {
  const etc = path.join(tree, '.enroot', 'etc');
  copyDirectories(settings.path('ENROOT_SYSCONF_PATH'), path.join(etc, 'system'));
  fs.mkdirSync(path.join(etc, 'user'), { recursive: true, mode: 0o755 });
  if (all) copyDirectories(settings.path('ENROOT_CONFIG_PATH'), path.join(etc, 'user'));
  fs.writeFileSync(path.join(etc, 'enroot.conf'), all ? capturedSettings(settings) : '', { mode: 0o644 });
}
