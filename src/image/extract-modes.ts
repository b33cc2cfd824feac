// Owners and modes as `unsquashfs` leaves them (create used it before, and containers must look the same),
// then the container permission fix (container-permissions.ts). As root: the image's owners and modes.
// Otherwise everything belongs to the caller, setuid and setgid bits are dropped, and a regular file
// without a sticky bit gets its mode filtered by the umask: unsquashfs creates files with open() and only
// chmods those with special bits.
import type { Inode } from '../squashfs/reader/index.js';
import { containerPermissions } from './container-permissions.js';

const SETUID_SETGID = 0o6000;
const SPECIAL_BITS = 0o7000;

export interface Extractor {
  asRoot: boolean;
  /** The group new entries get: directories have no setgid bit until they are finished. */
  gid: number;
  /** The caller's umask (the process's is 0 while extracting). */
  umask: number;
}

/** Whether an entry needs a chown: only as root, and only where the owner is not already root's. */
export function needsOwner(extractor: Extractor, inode: Inode): boolean {
  return extractor.asRoot && (inode.uid !== 0 || inode.gid !== extractor.gid);
}

/** The mode `inode` ends up with in the container (symlinks have none). */
export function extractedMode(extractor: Extractor, inode: Inode): number {
  let mode = inode.mode;
  if (!extractor.asRoot) {
    mode &= ~SETUID_SETGID;
    if (inode.kind === 'file' && (mode & SPECIAL_BITS) === 0) mode &= ~extractor.umask;
  }
  return containerPermissions(mode, inode.kind === 'directory');
}
