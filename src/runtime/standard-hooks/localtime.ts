// The standard hook 10-localtime, built in: when the host's /etc/localtime is a symlink, the container
// gets the same symlink (replacing what the image has), and the zone file it names when the image lacks it.
import fs from 'node:fs';
import path from 'node:path';
import type { BuiltinHookContext } from '../builtin-hooks.js';
import { isSymlinkFree, statInside } from '../root-paths.js';
import { makeDirectories, replaceWithSymlink, writeFileInside } from './rootfs-files.js';

const LOCALTIME = '/etc/localtime';

/** The zone file the host's link leads to, when it is a regular file. */
function hostZoneFile(): string | null {
  try {
    const zone = fs.realpathSync(LOCALTIME);
    return fs.statSync(zone).isFile() ? zone : null;
  } catch {
    return null;
  }
}

export function localtimeHook(context: BuiltinHookContext): void {
  if (fs.lstatSync(LOCALTIME, { throwIfNoEntry: false })?.isSymbolicLink() !== true) return;
  if (!isSymlinkFree(context.rootFd, '/etc')) return;
  replaceWithSymlink(context.rootFd, LOCALTIME, fs.readlinkSync(LOCALTIME));
  const zone = hostZoneFile();
  if (zone === null || !isSymlinkFree(context.rootFd, zone) || statInside(context.rootFd, zone) !== null) return;
  makeDirectories(context.rootFd, path.posix.dirname(zone));
  writeFileInside(context.rootFd, zone, fs.readFileSync(zone), fs.statSync(zone).mode & 0o777);
}
