// Inodes from the decoded inode table, every type in its basic and extended form. Every inode is one
// object of one shape (fields a type does not use are 0). The block list of a file stays in the table:
// the inode records where it is. `inodeKindAt` reads only the type, for walks that need no more.
import { BASIC_INODE_TYPE, EXTENDED, NO_FRAGMENT, NO_XATTR, type InodeKind } from '../format.js';

export type { InodeKind };
import { ImageFormatError } from './format-error.js';


export interface Inode {
  kind: InodeKind;
  /** Where the inode starts in the inode table: its identity (hardlinks share it). */
  position: number;
  /** Permission bits (mksquashfs stores the file type bits too; the inode type is what counts). */
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  /** NO_XATTR when it has none. */
  xattr: number;
  /** Files: size, image offset of the first data block, fragment (NO_FRAGMENT for none), offset in it. */
  size: number;
  start: number;
  fragment: number;
  fragmentOffset: number;
  /** Files: how many u32 block size words, at which position in the inode table. */
  blockCount: number;
  blockListAt: number;
  /** Directories: where the listing is in the directory table, and its size in bytes. */
  listingBlock: number;
  listingOffset: number;
  listingSize: number;
  /** Symlinks. */
  target: Buffer;
}

/** Kinds by basic type number. */
export const KINDS: readonly (InodeKind | undefined)[] = (() => {
  const kinds: (InodeKind | undefined)[] = [];
  for (const [kind, type] of Object.entries(BASIC_INODE_TYPE)) kinds[type] = kind as InodeKind;
  return kinds;
})();
/** Longest symlink target Linux stores (PATH_MAX - 1). */
const MAX_SYMLINK_TARGET = 4095;
const NO_TARGET = Buffer.alloc(0);

function failure(position: number, problem: string): ImageFormatError {
  return new ImageFormatError(`the inode at ${position} ${problem}`);
}

/** The basic type number of the inode at `position`, checked to be one. */
export function inodeTypeAt(bytes: Buffer, position: number): number {
  if (position + 16 > bytes.length) throw failure(position, 'runs past the end of the inode table');
  const rawType = bytes.readUInt16LE(position);
  const type = rawType > EXTENDED ? rawType - EXTENDED : rawType;
  if (KINDS[type] === undefined) throw failure(position, `has unknown type ${rawType}`);
  return type;
}

/** Parses the inode at `position` of the inode table `bytes`; `ids` resolves owners; `blockSize` sizes block lists. */
export function readInode(bytes: Buffer, position: number, ids: Uint32Array, blockSize: number): Inode {
  const fail = (problem: string): never => {
    throw failure(position, problem);
  };
  const need = (length: number): void => {
    if (position + length > bytes.length) fail('runs past the end of the inode table');
  };
  const kind = KINDS[inodeTypeAt(bytes, position)]!;
  const extended = bytes.readUInt16LE(position) > EXTENDED;
  const uidIndex = bytes.readUInt16LE(position + 4);
  const gidIndex = bytes.readUInt16LE(position + 6);
  if (uidIndex >= ids.length || gidIndex >= ids.length) fail('names an owner outside the id table');
  const inode: Inode = {
    kind,
    position,
    mode: bytes.readUInt16LE(position + 2) & 0o7777,
    uid: ids[uidIndex]!,
    gid: ids[gidIndex]!,
    mtime: bytes.readUInt32LE(position + 8),
    xattr: NO_XATTR,
    size: 0,
    start: 0,
    fragment: NO_FRAGMENT,
    fragmentOffset: 0,
    blockCount: 0,
    blockListAt: 0,
    listingBlock: 0,
    listingOffset: 0,
    listingSize: 0,
    target: NO_TARGET,
  };
  const body = position + 16;
  switch (kind) {
    case 'directory': {
      need(extended ? 40 : 32);
      // Squashfs counts 3 bytes more than the listing holds (for the . and .. entries it does not store).
      const fileSize = extended ? bytes.readUInt32LE(body + 4) : bytes.readUInt16LE(body + 8);
      if (fileSize < 3) fail('has a directory size below 3');
      inode.listingSize = fileSize - 3;
      inode.listingBlock = bytes.readUInt32LE(extended ? body + 8 : body);
      inode.listingOffset = bytes.readUInt16LE(extended ? body + 18 : body + 10);
      if (extended) inode.xattr = bytes.readUInt32LE(body + 20);
      break;
    }
    case 'file': {
      need(extended ? 56 : 32);
      if (extended) {
        const size = bytes.readBigUInt64LE(body + 8);
        const start = bytes.readBigUInt64LE(body);
        if (size > BigInt(Number.MAX_SAFE_INTEGER) || start > BigInt(Number.MAX_SAFE_INTEGER)) fail('has a size or start out of range');
        inode.size = Number(size);
        inode.start = Number(start);
        inode.fragment = bytes.readUInt32LE(body + 28);
        inode.fragmentOffset = bytes.readUInt32LE(body + 32);
        inode.xattr = bytes.readUInt32LE(body + 36);
        inode.blockListAt = body + 40;
      } else {
        inode.start = bytes.readUInt32LE(body);
        inode.fragment = bytes.readUInt32LE(body + 4);
        inode.fragmentOffset = bytes.readUInt32LE(body + 8);
        inode.size = bytes.readUInt32LE(body + 12);
        inode.blockListAt = body + 16;
      }
      // Without a fragment the last partial block is a block of its own.
      inode.blockCount = inode.fragment === NO_FRAGMENT ? Math.ceil(inode.size / blockSize) : Math.floor(inode.size / blockSize);
      if (inode.fragment === NO_FRAGMENT) inode.fragmentOffset = 0;
      if (inode.blockListAt + inode.blockCount * 4 > bytes.length) fail('has a block list that runs past the end of the inode table');
      break;
    }
    case 'symlink': {
      need(24);
      const length = bytes.readUInt32LE(body + 4);
      if (length === 0 || length > MAX_SYMLINK_TARGET) fail(`has a symlink target of ${length} bytes`);
      need(24 + length + (extended ? 4 : 0));
      inode.target = bytes.subarray(body + 8, body + 8 + length);
      if (inode.target.includes(0)) fail('has a NUL byte in its symlink target');
      if (extended) inode.xattr = bytes.readUInt32LE(body + 8 + length);
      break;
    }
    case 'block':
    case 'char':
      need(extended ? 28 : 24);
      if (extended) inode.xattr = bytes.readUInt32LE(body + 8);
      break;
    default:
      need(extended ? 24 : 20);
      if (extended) inode.xattr = bytes.readUInt32LE(body + 4);
  }
  return inode;
}

/** The size of the file inode at `position` (its type already checked), without parsing the rest. */
export function fileSizeAt(bytes: Buffer, position: number): number {
  const extended = bytes.readUInt16LE(position) > EXTENDED;
  if (position + 32 > bytes.length) throw failure(position, 'runs past the end of the inode table');
  return extended ? Number(bytes.readBigUInt64LE(position + 24)) : bytes.readUInt32LE(position + 28);
}

/** The fragment index of the file inode at `position` (its type already checked), NO_FRAGMENT for none. */
export function fileFragmentAt(bytes: Buffer, position: number): number {
  const extended = bytes.readUInt16LE(position) > EXTENDED;
  if (position + (extended ? 48 : 32) > bytes.length) throw failure(position, 'runs past the end of the inode table');
  return bytes.readUInt32LE(position + (extended ? 44 : 20));
}
