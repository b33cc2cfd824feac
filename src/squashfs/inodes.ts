// Inode encoding. Each inode has a 16-byte common header; the basic form is used unless a field needs the
// extended one (an xattr, a link count on a file, a file over 4 GiB or past 4 GiB in the image, a sparse
// file, a large directory or one with an index).
import { EXTENDED, InodeType, NO_FRAGMENT, NO_XATTR } from './format.js';
import type { StoredFile } from './tree.js';

export interface InodeCommon {
  type: InodeType;
  /** Permission bits only: readers take the file type from the inode type. */
  mode: number;
  uidIndex: number;
  gidIndex: number;
  mtime: number;
  number: number;
  links: number;
  xattr: number;
}

export interface DirectoryIndexEntry {
  /** Offset of a directory header from the start of the listing. */
  listingOffset: number;
  /** Start of the directory table block holding that header, relative to the table. */
  block: number;
  /** The first name under that header. */
  name: Buffer;
}

export interface DirectoryPlace {
  block: number;
  offset: number;
  /** Bytes of the listing plus 3, as squashfs counts it. */
  size: number;
  parent: number;
  index: DirectoryIndexEntry[];
}

const U32_LIMIT = 2 ** 32;

function encode(common: InodeCommon, extended: boolean, bodyLength: number, fill: (body: Buffer) => void): Buffer {
  const buffer = Buffer.allocUnsafe(16 + bodyLength);
  buffer.writeUInt16LE(common.type + (extended ? EXTENDED : 0), 0);
  buffer.writeUInt16LE(common.mode & 0o7777, 2);
  buffer.writeUInt16LE(common.uidIndex, 4);
  buffer.writeUInt16LE(common.gidIndex, 6);
  buffer.writeUInt32LE(common.mtime, 8);
  buffer.writeUInt32LE(common.number, 12);
  fill(buffer.subarray(16));
  return buffer;
}

export function encodeFileInode(common: InodeCommon, file: StoredFile): Buffer {
  const extended =
    common.xattr !== NO_XATTR || common.links !== 1 || file.size >= U32_LIMIT || file.start >= U32_LIMIT || file.sparseBytes > 0;
  const blockWords = file.blocks.length * 4;
  const fragment = file.fragment;
  const fragmentOffset = fragment === NO_FRAGMENT ? 0 : file.fragmentOffset;
  if (!extended) {
    return encode(common, false, 16 + blockWords, (body) => {
      body.writeUInt32LE(file.start, 0);
      body.writeUInt32LE(fragment, 4);
      body.writeUInt32LE(fragmentOffset, 8);
      body.writeUInt32LE(file.size, 12);
      writeWords(body, 16, file.blocks);
    });
  }
  return encode(common, true, 40 + blockWords, (body) => {
    body.writeBigUInt64LE(BigInt(file.start), 0);
    body.writeBigUInt64LE(BigInt(file.size), 8);
    body.writeBigUInt64LE(BigInt(file.sparseBytes), 16);
    body.writeUInt32LE(common.links, 24);
    body.writeUInt32LE(fragment, 28);
    body.writeUInt32LE(fragmentOffset, 32);
    body.writeUInt32LE(common.xattr, 36);
    writeWords(body, 40, file.blocks);
  });
}

function writeWords(body: Buffer, at: number, words: number[]): void {
  for (let i = 0; i < words.length; i++) body.writeUInt32LE(words[i]!, at + i * 4);
}

export function encodeDirectoryInode(common: InodeCommon, place: DirectoryPlace): Buffer {
  const extended = common.xattr !== NO_XATTR || place.index.length > 0 || place.size > 0xffff || place.block >= U32_LIMIT;
  if (!extended) {
    return encode(common, false, 16, (body) => {
      body.writeUInt32LE(place.block, 0);
      body.writeUInt32LE(common.links, 4);
      body.writeUInt16LE(place.size, 8);
      body.writeUInt16LE(place.offset, 10);
      body.writeUInt32LE(place.parent, 12);
    });
  }
  const indexBytes = place.index.reduce((sum, entry) => sum + 12 + entry.name.length, 0);
  return encode(common, true, 24 + indexBytes, (body) => {
    body.writeUInt32LE(common.links, 0);
    body.writeUInt32LE(place.size, 4);
    body.writeUInt32LE(place.block, 8);
    body.writeUInt32LE(place.parent, 12);
    body.writeUInt16LE(place.index.length, 16);
    body.writeUInt16LE(place.offset, 18);
    body.writeUInt32LE(common.xattr, 20);
    let at = 24;
    for (const entry of place.index) {
      body.writeUInt32LE(entry.listingOffset, at);
      body.writeUInt32LE(entry.block, at + 4);
      body.writeUInt32LE(entry.name.length - 1, at + 8);
      entry.name.copy(body, at + 12);
      at += 12 + entry.name.length;
    }
  });
}

export function encodeSymlinkInode(common: InodeCommon, target: Buffer): Buffer {
  const extended = common.xattr !== NO_XATTR;
  return encode(common, extended, 8 + target.length + (extended ? 4 : 0), (body) => {
    body.writeUInt32LE(common.links, 0);
    body.writeUInt32LE(target.length, 4);
    target.copy(body, 8);
    if (extended) body.writeUInt32LE(common.xattr, 8 + target.length);
  });
}

/** Device numbers as the kernel's new_encode_dev packs them. */
function encodeDeviceNumber(major: number, minor: number): number {
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

export function encodeDeviceInode(common: InodeCommon, major: number, minor: number): Buffer {
  const extended = common.xattr !== NO_XATTR;
  return encode(common, extended, extended ? 12 : 8, (body) => {
    body.writeUInt32LE(common.links, 0);
    body.writeUInt32LE(encodeDeviceNumber(major, minor), 4);
    if (extended) body.writeUInt32LE(common.xattr, 8);
  });
}

/** Fifos and sockets. */
export function encodeIpcInode(common: InodeCommon): Buffer {
  const extended = common.xattr !== NO_XATTR;
  return encode(common, extended, extended ? 8 : 4, (body) => {
    body.writeUInt32LE(common.links, 0);
    if (extended) body.writeUInt32LE(common.xattr, 4);
  });
}
