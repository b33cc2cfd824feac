// The 96-byte superblock at offset 0, written last because it points at every table.
import { MAGIC, SUPERBLOCK_SIZE, VERSION_MAJOR, VERSION_MINOR } from './format.js';

export interface Superblock {
  inodeCount: number;
  mkfsTime: number;
  blockSize: number;
  fragmentCount: number;
  compression: number;
  flags: number;
  idCount: number;
  rootInode: bigint;
  bytesUsed: number;
  idTableStart: number;
  /** ABSENT_TABLE when there are no xattrs. */
  xattrIdTableStart: bigint;
  inodeTableStart: number;
  directoryTableStart: number;
  fragmentTableStart: number;
  /** ABSENT_TABLE without an export table. */
  exportTableStart: bigint;
}

export function encodeSuperblock(sb: Superblock): Buffer {
  const buffer = Buffer.alloc(SUPERBLOCK_SIZE);
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUInt32LE(sb.inodeCount, 4);
  buffer.writeUInt32LE(sb.mkfsTime, 8);
  buffer.writeUInt32LE(sb.blockSize, 12);
  buffer.writeUInt32LE(sb.fragmentCount, 16);
  buffer.writeUInt16LE(sb.compression, 20);
  buffer.writeUInt16LE(Math.log2(sb.blockSize), 22);
  buffer.writeUInt16LE(sb.flags, 24);
  buffer.writeUInt16LE(sb.idCount, 26);
  buffer.writeUInt16LE(VERSION_MAJOR, 28);
  buffer.writeUInt16LE(VERSION_MINOR, 30);
  buffer.writeBigUInt64LE(sb.rootInode, 32);
  buffer.writeBigUInt64LE(BigInt(sb.bytesUsed), 40);
  buffer.writeBigUInt64LE(BigInt(sb.idTableStart), 48);
  buffer.writeBigUInt64LE(sb.xattrIdTableStart, 56);
  buffer.writeBigUInt64LE(BigInt(sb.inodeTableStart), 64);
  buffer.writeBigUInt64LE(BigInt(sb.directoryTableStart), 72);
  buffer.writeBigUInt64LE(BigInt(sb.fragmentTableStart), 80);
  buffer.writeBigUInt64LE(sb.exportTableStart, 88);
  return buffer;
}
