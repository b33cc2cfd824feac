// The layout shared by the id, fragment, export and xattr id tables: fixed-size entries in metadata blocks,
// followed by an uncompressed array of u64 absolute offsets of those blocks. The superblock points at that array.
import type { Compressor } from './compressor.js';
import { MetadataWriter } from './metadata.js';

export interface LaidOutTable {
  /** Bytes to write at the table's start offset, in order. */
  pieces: Buffer[];
  /** Absolute offset of the u64 block-offset array (or of the header in front of it). */
  indexAt: number;
}

/** `header` goes in front of the offset array (the xattr id table has one). */
export async function layOutLookupTable(
  entries: Buffer,
  at: number,
  compressor: Compressor | null,
  header: Buffer = Buffer.alloc(0),
): Promise<LaidOutTable> {
  const table = new MetadataWriter(compressor);
  table.append(entries);
  const blocks = await table.finish();
  const index = Buffer.allocUnsafe(blocks.length * 8);
  let position = at;
  blocks.forEach((block, i) => {
    index.writeBigUInt64LE(BigInt(position), i * 8);
    position += block.length;
  });
  return { pieces: [...blocks, header, index], indexAt: position };
}
