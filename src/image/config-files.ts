// /etc/environment and /etc/fstab from the image config (spec 6.2, 6.3).
import type { ImageRuntimeConfig } from './config.js';

/**
 * Octal escapes of the fstab dialect (10.1) for the characters that would split or end a field, and for
 * '$', so that the `${NAME}` substitution done at start (9.6) cannot reach into an image's volume path.
 */
function fstabField(value: string): string {
  return value.replace(/[\\ \t\n\r$]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** A volume as an absolute path inside the rootfs, or undefined when it could leave it ('..'). */
function volumePath(volume: string): string | undefined {
  const names = volume.split('/').filter((name) => name !== '' && name !== '.');
  if (names.includes('..') || names.length === 0) return undefined;
  return `/${names.join('/')}`;
}

/** One bind line per volume, each path bound onto itself; `skipped` gets the volumes left out. */
export function fstabText(config: ImageRuntimeConfig, skipped: (volume: string, reason: string) => void): string {
  let text = '';
  for (const volume of config.volumes) {
    const path = volumePath(volume);
    if (path === undefined) {
      skipped(volume, "it is not a path inside the container (empty or with '..')");
      continue;
    }
    const field = fstabField(path);
    text += `\${ENROOT_ROOTFS}${field} ${field} none x-create=dir,bind,rw,nosuid,nodev\n`;
  }
  return text;
}

/** One line per Env element, verbatim; elements with a line break cannot be a line and are left out. */
export function environmentText(config: ImageRuntimeConfig, skipped: (element: string, reason: string) => void): string {
  let text = '';
  for (const element of config.env) {
    if (/[\n\r]/.test(element)) {
      skipped(element, 'it contains a line break, which /etc/environment cannot hold');
      continue;
    }
    text += `${element}\n`;
  }
  return text;
}
