// The superblock as the reader needs it, checked: a squashfs 4.0 image whose tables lie inside the
// filesystem in the order mksquashfs (and our writer) put them.
import { ABSENT_TABLE, MAGIC, MAX_BLOCK_SIZE, MIN_BLOCK_SIZE, SUPERBLOCK_SIZE, VERSION_MAJOR, VERSION_MINOR } from '../format.js';
import type { Superblock } from '../superblock.js';
import { ImageFormatError } from './format-error.js';
import type { ImageFile } from './image-file.js';

/** A u64 field as a number; larger values than any file can have are format errors. */
export function u64(buffer: Buffer, at: number, what: string): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ImageFormatError(`${what} is out of range`);
  return Number(value);
}

/** Reads and checks the superblock, and limits later reads to the filesystem's bytes. */
export function readSuperblock(image: ImageFile): Superblock {
  if (image.size < SUPERBLOCK_SIZE) throw new ImageFormatError('shorter than a superblock');
  const raw = image.read(0, SUPERBLOCK_SIZE, 'superblock');
  if (raw.readUInt32LE(0) !== MAGIC) throw new ImageFormatError('not a squashfs image');
  const major = raw.readUInt16LE(28);
  const minor = raw.readUInt16LE(30);
  if (major !== VERSION_MAJOR || minor !== VERSION_MINOR) throw new ImageFormatError(`squashfs version ${major}.${minor}, not 4.0`);
  const blockSize = raw.readUInt32LE(12);
  const blockLog = raw.readUInt16LE(22);
  if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || blockSize !== 2 ** blockLog) {
    throw new ImageFormatError(`block size ${blockSize} is not a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}`);
  }
  const optional = (at: number, what: string): bigint => {
    const value = raw.readBigUInt64LE(at);
    if (value !== ABSENT_TABLE) u64(raw, at, what);
    return value;
  };
  const superblock: Superblock = {
    inodeCount: raw.readUInt32LE(4),
    mkfsTime: raw.readUInt32LE(8),
    blockSize,
    fragmentCount: raw.readUInt32LE(16),
    compression: raw.readUInt16LE(20),
    flags: raw.readUInt16LE(24),
    idCount: raw.readUInt16LE(26),
    rootInode: raw.readBigUInt64LE(32),
    bytesUsed: u64(raw, 40, 'bytes_used'),
    idTableStart: u64(raw, 48, 'the id table start'),
    xattrIdTableStart: optional(56, 'the xattr table start'),
    inodeTableStart: u64(raw, 64, 'the inode table start'),
    directoryTableStart: u64(raw, 72, 'the directory table start'),
    fragmentTableStart: u64(raw, 80, 'the fragment table start'),
    exportTableStart: optional(88, 'the export table start'),
  };
  image.limitTo(superblock.bytesUsed);
  const { inodeTableStart, directoryTableStart, bytesUsed } = superblock;
  if (inodeTableStart < SUPERBLOCK_SIZE || directoryTableStart <= inodeTableStart || directoryTableStart >= bytesUsed) {
    throw new ImageFormatError('the inode and directory tables are out of place');
  }
  if (superblock.idCount === 0) throw new ImageFormatError('the id table is empty');
  return superblock;
}
