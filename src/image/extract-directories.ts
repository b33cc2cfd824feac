// The directories of an extracted image. The main thread creates all of them first, while the tree holds
// nothing but directories (so no path can lead through a symlink), with mode 0700 so that their contents
// can be written. A worker finishes each once its last entry exists (creating an entry changes its
// directory's time): user.* xattrs, owner and mode (see extract-modes.ts), and time.
import fs from 'node:fs';
import { EnrootError, errorText } from '../errors.js';
import type { DirectoryNode, Inode, UserXattr } from '../squashfs/reader/index.js';
import { cString, makeDirectoryAt, openDirectoryBeneath, setXattr, systemErrorText, type CString } from '../sys/extract-calls.js';
import { closeFd } from '../sys/files.js';
import { extractedMode, needsOwner, type Extractor } from './extract-modes.js';

const BEING_FILLED = 0o700;

/** The message for a failed call on the entry at `where` (absolute). */
export function creationFailure(where: string, err: unknown): string {
  return `Could not create ${where}: ${systemErrorText(err) ?? errorText(err)}`;
}

/** Creates every directory but the root (the staging directory). */
export function createDirectories(rootFd: number, directories: DirectoryNode[], rootPath: string): void {
  for (let index = 1; index < directories.length; index++) {
    const { path } = directories[index]!;
    try {
      makeDirectoryAt(rootFd, cString(path), BEING_FILLED);
    } catch (err) {
      throw new EnrootError(creationFailure(`${rootPath}/${path.toString('utf8')}`, err), { cause: err });
    }
  }
}

/** Gives the directory at `path` (below `rootFd`) what `inode` says. */
export function finishDirectory(rootFd: number, path: CString, inode: Inode, xattrs: UserXattr[], extractor: Extractor): void {
  const fd = openDirectoryBeneath(rootFd, path, true);
  try {
    for (const xattr of xattrs) setXattr(fd, cString(xattr.name), xattr.value);
    if (needsOwner(extractor, inode)) fs.fchownSync(fd, inode.uid, inode.gid);
    fs.fchmodSync(fd, extractedMode(extractor, inode));
    fs.futimesSync(fd, inode.mtime, inode.mtime);
  } finally {
    closeFd(fd);
  }
}
