// Metadata tables (inodes, directories, xattrs, lookup tables): 8 KiB blocks, each behind a u16 header
// whose top bit marks it stored uncompressed. A table is decoded whole into one buffer; a reference
// (block start relative to the table, offset inside that block) becomes a position in it. Reading on
// past the end of a block continues in the next one, as the kernel reads.
import { METADATA_SIZE, METADATA_UNCOMPRESSED } from '../format.js';
import type { Decompress } from './decompress.js';
import { ImageFormatError } from './format-error.js';
import type { ImageFile } from './image-file.js';

/**
 * More than any real image holds (some 50 million inodes); a hostile image whose tiny blocks inflate to
 * more would otherwise exhaust memory.
 */
const MAX_TABLE_BYTES = 2 ** 31;

export interface MetadataTable {
  /** The uncompressed bytes of every block, in order. */
  bytes: Buffer;
  /** Block start relative to the table -> index of the block. */
  blockIndex: Map<number, number>;
  /** Where each block's bytes begin in `bytes`. */
  blockStarts: number[];
}

/** One metadata block of `stored` starting at `at`: its uncompressed bytes and where the next one starts. */
function decodeBlock(stored: Buffer, at: number, decompress: Decompress, what: string): { data: Buffer; next: number } {
  if (at + 2 > stored.length) throw new ImageFormatError(`${what} ends inside a block header`);
  const header = stored.readUInt16LE(at);
  const size = header & ~METADATA_UNCOMPRESSED;
  if (size === 0 || size > METADATA_SIZE) throw new ImageFormatError(`${what} has a block of ${size} bytes`);
  if (at + 2 + size > stored.length) throw new ImageFormatError(`${what} has a block that runs past its end`);
  const body = stored.subarray(at + 2, at + 2 + size);
  const data = header & METADATA_UNCOMPRESSED ? body : decompress(body, METADATA_SIZE);
  return { data, next: at + 2 + size };
}

/** Decodes the blocks filling [start, end) of the image. */
export function readMetadataTable(image: ImageFile, start: number, end: number, decompress: Decompress, what: string): MetadataTable {
  const stored = image.read(start, end - start, what);
  const pieces: Buffer[] = [];
  const blockIndex = new Map<number, number>();
  const blockStarts: number[] = [];
  let length = 0;
  for (let at = 0; at < stored.length; ) {
    const { data, next } = decodeBlock(stored, at, decompress, what);
    blockIndex.set(at, pieces.length);
    blockStarts.push(length);
    pieces.push(data);
    length += data.length;
    if (length > MAX_TABLE_BYTES) throw new ImageFormatError(`${what} inflates to more than ${MAX_TABLE_BYTES} bytes`);
    at = next;
  }
  // In shared memory: the extractor's threads read the inode and directory tables where they are.
  const bytes = Buffer.from(new SharedArrayBuffer(length));
  let at = 0;
  for (const piece of pieces) at += piece.copy(bytes, at);
  return { bytes, blockIndex, blockStarts };
}

/** The position in `table.bytes` of a reference, or -1 when the table has no such place. */
export function findPosition(table: MetadataTable, block: number, offset: number): number {
  const index = table.blockIndex.get(block);
  if (index === undefined) return -1;
  const start = table.blockStarts[index]!;
  const end = table.blockStarts[index + 1] ?? table.bytes.length;
  return offset < end - start ? start + offset : -1;
}

/** The position in `table.bytes` of a reference; fails for a place that is not in the table. */
export function locate(table: MetadataTable, block: number, offset: number, what: string): number {
  const position = findPosition(table, block, offset);
  if (position < 0) throw new ImageFormatError(`${what} points outside its table`);
  return position;
}

/** Checks that `length` bytes from `position` lie inside the table. */
export function checkInTable(table: MetadataTable, position: number, length: number, what: string): void {
  if (position + length > table.bytes.length) throw new ImageFormatError(`${what} runs past the end of its table`);
}

/**
 * A lookup table (ids, fragments, xattr ids): `count` entries of `entrySize` bytes in metadata blocks that
 * lie before `indexAt`, where an array of their u64 absolute positions is stored.
 */
export function readLookupTable(image: ImageFile, indexAt: number, count: number, entrySize: number, decompress: Decompress, what: string): Buffer {
  const length = count * entrySize;
  if (length === 0) return Buffer.alloc(0);
  const blocks = Math.ceil(length / METADATA_SIZE);
  const index = image.read(indexAt, blocks * 8, `the ${what} index`);
  const pieces: Buffer[] = [];
  // Blocks follow one another without overlapping, as writers lay them out: an index naming one small block
  // over and over would otherwise decode to far more memory than the image holds.
  let previousEnd = 0;
  for (let i = 0; i < blocks; i++) {
    const at = index.readBigUInt64LE(i * 8);
    if (at >= BigInt(indexAt)) throw new ImageFormatError(`the ${what} has a block after its index`);
    if (at < BigInt(previousEnd)) throw new ImageFormatError(`the ${what} has blocks out of order or overlapping`);
    // The block lies between `at` and the index; a block header says how much of that it takes.
    const stored = image.read(Number(at), Math.min(2 + METADATA_SIZE, indexAt - Number(at)), `the ${what}`);
    const { data, next } = decodeBlock(stored, 0, decompress, `the ${what}`);
    previousEnd = Number(at) + next;
    const wanted = i === blocks - 1 ? length - i * METADATA_SIZE : METADATA_SIZE;
    if (data.length < wanted) throw new ImageFormatError(`the ${what} is cut short`);
    pieces.push(data.subarray(0, wanted));
  }
  return Buffer.concat(pieces, length);
}
