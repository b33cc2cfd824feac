// A worker's share of the extraction, one chunk at a time (see extract-plan.ts). Each leaf is created in
// its directory (whose handle is kept while the next leaves are in the same one), then its inode's other
// names are linked to it; each creation counts down its directory's pending entries, and whoever creates
// a directory's last entry finishes it.
import { readInode, type ImageTables, type Inode, type UserXattr } from '../squashfs/reader/index.js';
import { linkAt, openDirectoryBeneath, type CString } from '../sys/extract-calls.js';
import { closeFd } from '../sys/files.js';
import { finishDirectory } from './extract-directories.js';
import type { EntryWriter } from './extract-entries.js';
import { ChunkKind } from './extract-plan.js';
import type { WorkerRun } from './extract-protocol.js';

/** A C string as text. */
const text = (path: CString): string => path.subarray(0, -1).toString('utf8');

/** Says which entry failed: its path relative to the staging directory ('.' for the root). */
export class EntryFailure extends Error {
  constructor(
    readonly path: string,
    readonly failure: unknown,
  ) {
    super(`${path}: ${String(failure)}`);
  }
}

export class ChunkRunner {
  private readonly inodes: Buffer;
  private readonly names: Buffer;
  private readonly paths: Buffer;
  /** The names being created, NUL-terminated (the table's names are not). */
  private readonly name = Buffer.alloc(257);
  private readonly linkName = Buffer.alloc(257);

  constructor(
    private readonly run: WorkerRun,
    private readonly tables: ImageTables,
    private readonly entries: EntryWriter,
    private readonly checkStop: () => void,
  ) {
    this.inodes = Buffer.from(run.inodes);
    this.names = Buffer.from(run.names);
    this.paths = Buffer.from(run.directories.paths);
  }

  /** Runs chunk `index`; returns the bytes of file data it wrote. */
  runChunk(index: number): number {
    const { chunks, order, idle, leaves } = this.run;
    const kind = chunks[index * 3]!;
    const start = chunks[index * 3 + 1]!;
    const end = start + chunks[index * 3 + 2]!;
    if (kind === ChunkKind.directories) {
      for (let at = start; at < end; at++) this.finish(idle[at]!);
      return 0;
    }
    const { ids, superblock } = this.tables;
    let bytes = 0;
    let directory = -1;
    let dirFd = -1;
    try {
      for (let at = start; at < end; at++) {
        this.checkStop();
        const leaf = order[at]!;
        if (leaves.directory[leaf] !== directory) {
          if (dirFd >= 0) closeFd(dirFd);
          dirFd = -1; // closed, should the next open fail
          directory = leaves.directory[leaf]!;
          dirFd = this.openDirectory(directory);
        }
        try {
          const inode = readInode(this.inodes, leaves.inodeAt[leaf]!, ids, superblock.blockSize);
          this.entries.write(dirFd, this.nameOf(leaf, this.name), inode, inode.kind === 'file' ? this.userXattrs(inode) : []);
          bytes += inode.size;
        } catch (err) {
          throw new EntryFailure(this.pathOf(leaf), err);
        }
        this.linkNames(leaf, directory, dirFd);
        this.created(directory);
      }
    } finally {
      if (dirFd >= 0) closeFd(dirFd);
    }
    return bytes;
  }

  /** Links the other names of `leaf`'s inode, just created in `dirFd`. */
  private linkNames(leaf: number, directory: number, dirFd: number): void {
    const { firstLink, links, leaves } = this.run;
    for (let k = firstLink[leaf]!; k < firstLink[leaf + 1]!; k++) {
      const link = links[k]!;
      const linkDirectory = leaves.directory[link]!;
      const linkDirFd = linkDirectory === directory ? dirFd : this.openDirectory(linkDirectory);
      try {
        linkAt(dirFd, this.nameOf(leaf, this.name), linkDirFd, this.nameOf(link, this.linkName));
      } catch (err) {
        throw new EntryFailure(this.pathOf(link), err);
      } finally {
        if (linkDirFd !== dirFd) closeFd(linkDirFd);
      }
      this.created(linkDirectory);
    }
  }

  /** Counts down a directory's pending entries; the last one finishes it. */
  private created(directory: number): void {
    if (Atomics.sub(this.run.directories.pending, directory, 1) === 1) this.finish(directory);
  }

  private finish(directory: number): void {
    const { directories } = this.run;
    const path = this.directoryPath(directory);
    try {
      const inode = readInode(this.inodes, directories.inodeAt[directory]!, this.tables.ids, this.tables.superblock.blockSize);
      finishDirectory(this.run.rootFd, path, inode, this.userXattrs(inode), this.run.extractor);
    } catch (err) {
      throw new EntryFailure(text(path), err);
    }
  }

  private userXattrs(inode: Inode): UserXattr[] {
    return this.tables.xattrs?.userXattrs(inode.xattr) ?? [];
  }

  private openDirectory(directory: number): number {
    const path = this.directoryPath(directory);
    try {
      return openDirectoryBeneath(this.run.rootFd, path, false);
    } catch (err) {
      throw new EntryFailure(text(path), err);
    }
  }

  private directoryPath(directory: number): CString {
    const at = this.run.directories.pathAt[directory]!;
    return this.paths.subarray(at, this.paths.indexOf(0, at) + 1);
  }

  /** `leaf`'s name, NUL-terminated in `into`. */
  private nameOf(leaf: number, into: Buffer): CString {
    const { nameAt, nameLength } = this.run.leaves;
    this.names.copy(into, 0, nameAt[leaf]!, nameAt[leaf]! + nameLength[leaf]!);
    into[nameLength[leaf]!] = 0;
    return into;
  }

  /** `leaf`'s path relative to the staging directory, for messages. */
  private pathOf(leaf: number): string {
    const { nameAt, nameLength, directory } = this.run.leaves;
    const name = this.names.toString('utf8', nameAt[leaf]!, nameAt[leaf]! + nameLength[leaf]!);
    const parent = text(this.directoryPath(directory[leaf]!));
    return parent === '.' ? name : `${parent}/${name}`;
  }
}
