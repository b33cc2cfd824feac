// Files, symlinks, fifos and sockets of the image, each created relative to its directory's handle with a
// call that fails if the name exists (so never through a symlink), then given its owner, its mode (fixed
// for the container) and its time, in an order where no step undoes another: chown clears setuid bits, so
// chmod comes after it; writing sets the time, so the time comes last. The process umask is 0 meanwhile,
// so a mode given at creation is the final one.
//
// Owners and modes are those of extract-modes.ts.
import fs from 'node:fs';
import type { Inode, UserXattr } from '../squashfs/reader/index.js';
import { changeModeAt, changeOwnerAt, createFileAt, cString, makeNodeAt, setTimesAt, setXattr, symlinkAt, S_IFIFO, S_IFSOCK, type CString } from '../sys/extract-calls.js';
import { closeFd } from '../sys/files.js';
import type { FileDataCopier } from './extract-data.js';
import { extractedMode, needsOwner, type Extractor } from './extract-modes.js';

const SETUID_SETGID = 0o6000;
const OWNER_WRITE = 0o200;
/** What a file is created with when its final mode must wait: the owner may write it and its xattrs. */
const WRITABLE = 0o600;

export class EntryWriter {
  private readonly target = Buffer.alloc(4097);

  constructor(
    private readonly data: FileDataCopier,
    /** The inode table, which holds the files' block lists. */
    private readonly inodeTable: Buffer,
    private readonly extractor: Extractor,
  ) {}

  /** Creates `name` in `dirFd` as `inode` says; `xattrs` are its user.* xattrs (files only). */
  write(dirFd: number, name: CString, inode: Inode, xattrs: UserXattr[]): void {
    const mode = extractedMode(this.extractor, inode);
    const owned = needsOwner(this.extractor, inode);
    // chown clears setuid and setgid bits, so they are set after it.
    const chmodLater = owned && (mode & SETUID_SETGID) !== 0;
    switch (inode.kind) {
      case 'file':
        this.writeFile(dirFd, name, inode, mode, owned, chmodLater, xattrs);
        return;
      case 'symlink':
        // A symlink has no mode of its own, and chmod would follow it.
        this.target.set(inode.target);
        this.target[inode.target.length] = 0;
        symlinkAt(this.target, dirFd, name);
        if (owned) changeOwnerAt(dirFd, name, inode.uid, inode.gid);
        break;
      case 'fifo':
      case 'socket':
        makeNodeAt(dirFd, name, (inode.kind === 'fifo' ? S_IFIFO : S_IFSOCK) | (chmodLater ? WRITABLE : mode));
        if (owned) changeOwnerAt(dirFd, name, inode.uid, inode.gid);
        if (chmodLater) changeModeAt(dirFd, name, mode);
        break;
      default:
        throw new Error(`${inode.kind} inodes are not extracted`);
    }
    setTimesAt(dirFd, name, inode.mtime);
  }

  private writeFile(dirFd: number, name: CString, inode: Inode, mode: number, owned: boolean, chmodLater: boolean, xattrs: UserXattr[]): void {
    // Setting a user.* xattr needs write permission on the file, even through an open handle.
    const later = chmodLater || (xattrs.length > 0 && (mode & OWNER_WRITE) === 0);
    const fd = createFileAt(dirFd, name, later ? WRITABLE : mode);
    try {
      if (inode.size > 0) this.data.write(fd, inode, this.inodeTable, inode.blockListAt);
      for (const xattr of xattrs) setXattr(fd, cString(xattr.name), xattr.value);
      if (owned) fs.fchownSync(fd, inode.uid, inode.gid);
      if (later) fs.fchmodSync(fd, mode);
      fs.futimesSync(fd, inode.mtime, inode.mtime);
    } finally {
      closeFd(fd);
    }
  }
}
