// The walk from the root directory through every listing: directories in an order where each comes after
// its parent, and the other entries (leaves) grouped by directory. A directory inode reached twice (a
// loop, or a directory with two names) is an error; any other inode reached twice is a hardlink. Leaves
// are kept in columns, not objects: an image has tens of thousands, and a walk that allocates none of them
// is several times faster. Their inodes are only type-checked here; parse them with readInode.
import { ImageFormatError } from './format-error.js';
import { readListing } from './directories.js';
import { BASIC_INODE_TYPE } from '../format.js';
import { inodeTypeAt, readInode, type Inode } from './inodes.js';
import { findPosition, locate, type MetadataTable } from './metadata.js';

/**
 * Longest path inside an image accepted (bytes, without the leading /): the system's PATH_MAX less room for
 * the directory it is extracted into. A deeper tree could be created with *at calls but not removed or used
 * by path-based tools, and each level costs the walk a copy of its path.
 */
const MAX_PATH_BYTES = 3072;

export interface DirectoryNode {
  /** Relative path, empty for the root. */
  path: Buffer;
  inode: Inode;
}

/** Leaf `i` is named `names[nameAt[i], nameAt[i] + nameLength[i])` in `directory[i]`. */
export class Leaves {
  count = 0;
  directory = new Uint32Array(1024);
  nameAt = new Uint32Array(1024);
  nameLength = new Uint16Array(1024);
  /** Position of the inode in the inode table. */
  inodeAt = new Uint32Array(1024);
  /** Basic inode type. */
  type = new Uint8Array(1024);
  /** The leaf that first named the same inode (a hardlink), or -1. */
  linkOf = new Int32Array(1024);

  push(directory: number, nameAt: number, nameLength: number, inodeAt: number, type: number, linkOf: number): void {
    if (this.count === this.directory.length) this.grow();
    const i = this.count++;
    this.directory[i] = directory;
    this.nameAt[i] = nameAt;
    this.nameLength[i] = nameLength;
    this.inodeAt[i] = inodeAt;
    this.type[i] = type;
    this.linkOf[i] = linkOf;
  }

  private grow(): void {
    const larger = <T extends Uint32Array | Uint16Array | Uint8Array | Int32Array>(column: T): T => {
      const copy = new (column.constructor as new (length: number) => T)(column.length * 2);
      copy.set(column);
      return copy;
    };
    this.directory = larger(this.directory);
    this.nameAt = larger(this.nameAt);
    this.nameLength = larger(this.nameLength);
    this.inodeAt = larger(this.inodeAt);
    this.type = larger(this.type);
    this.linkOf = larger(this.linkOf);
  }
}

export interface ImageTree {
  /** Parents before children; the root first. */
  directories: DirectoryNode[];
  /** The leaves of each directory are consecutive. */
  leaves: Leaves;
  /** Where the leaves' names are (the directory table). */
  names: Buffer;
}

export interface TreeTables {
  inodes: MetadataTable;
  listings: MetadataTable;
  ids: Uint32Array;
  blockSize: number;
}

const SLASH = Buffer.from('/');

/** A path inside the image as users see it: `/usr/bin`. */
function displayPath(path: Buffer): string {
  return `/${path.toString('utf8')}`;
}

export function walkTree(tables: TreeTables, rootReference: bigint): ImageTree {
  const { inodes, listings, ids, blockSize } = tables;
  const names = listings.bytes;
  const rootPosition = locate(inodes, Number(rootReference >> 16n), Number(rootReference & 0xffffn), 'the root inode reference');
  const root = readInode(inodes.bytes, rootPosition, ids, blockSize);
  if (root.kind !== 'directory') throw new ImageFormatError('the root inode is not a directory');
  const directories: DirectoryNode[] = [{ path: Buffer.alloc(0), inode: root }];
  const leaves = new Leaves();
  const visitedDirectories = new Set<number>([rootPosition]);
  const firstLeafOf = new Map<number, number>();
  const pending = [0];
  while (pending.length > 0) {
    const index = pending.pop()!;
    const { path, inode } = directories[index]!;
    const pathOf = (nameAt: number, nameLength: number): Buffer => {
      const name = names.subarray(nameAt, nameAt + nameLength);
      return path.length === 0 ? name : Buffer.concat([path, SLASH, name]);
    };
    const fail = (nameAt: number, nameLength: number, problem: string): never => {
      throw new ImageFormatError(`${displayPath(pathOf(nameAt, nameLength))} ${problem}`);
    };
    const visit = (nameAt: number, nameLength: number, inodeBlock: number, inodeOffset: number, type: number): void => {
      const position = findPosition(inodes, inodeBlock, inodeOffset);
      if (position < 0) fail(nameAt, nameLength, 'has its inode outside the inode table');
      if (visitedDirectories.has(position)) fail(nameAt, nameLength, 'names a directory already named elsewhere (a directory loop)');
      const linked = firstLeafOf.get(position);
      if ((linked === undefined ? inodeTypeAt(inodes.bytes, position) : leaves.type[linked]) !== type) fail(nameAt, nameLength, 'has another type than its inode');
      if (path.length + 1 + nameLength > MAX_PATH_BYTES) fail(nameAt, nameLength, `makes a path longer than ${MAX_PATH_BYTES} bytes`);
      if (type === BASIC_INODE_TYPE.directory) {
        visitedDirectories.add(position);
        pending.push(directories.length);
        directories.push({ path: pathOf(nameAt, nameLength), inode: readInode(inodes.bytes, position, ids, blockSize) });
      } else {
        if (linked === undefined) firstLeafOf.set(position, leaves.count);
        leaves.push(index, nameAt, nameLength, position, type, linked ?? -1);
      }
    };
    readListing(listings, inode.listingBlock, inode.listingOffset, inode.listingSize, `directory ${displayPath(path)}`, visit);
  }
  return { directories, leaves, names };
}
