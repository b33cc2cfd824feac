// Directory listings in the directory table. Entries (sorted by name bytes) are grouped under headers that
// give the inode block and a base inode number; each entry then stores its offset in that block and its
// number as a 16-bit difference. A new header starts every 256 entries, when the inode block or the number
// range changes, and when the listing crosses into a new metadata block; each header of the last kind gets
// an index entry, which lets readers skip through large directories.
import { DIR_HEADER_MAX_ENTRIES, METADATA_SIZE, type InodeType } from './format.js';
import type { DirectoryIndexEntry, DirectoryPlace } from './inodes.js';
import type { MetadataRef, MetadataWriter } from './metadata.js';

export interface ListingEntry {
  name: Buffer;
  inode: MetadataRef;
  number: number;
  /** Always the basic type. */
  type: InodeType;
}

const MAX_NUMBER_DELTA = 32767;

/** Append one directory's listing; returns where it is, for the directory's inode (parent left 0). */
export async function writeListing(table: MetadataWriter, entries: ListingEntry[]): Promise<DirectoryPlace> {
  await table.settle();
  const start = table.ref();
  const listingStart = table.length;
  const index: DirectoryIndexEntry[] = [];
  let i = 0;
  while (i < entries.length) {
    const first = entries[i]!;
    const at = table.length;
    const blockNumber = Math.floor(at / METADATA_SIZE);
    if (i > 0 && blockNumber !== Math.floor(listingStart / METADATA_SIZE)) {
      await table.settle();
      index.push({ listingOffset: at - listingStart, block: table.ref().block, name: first.name });
    }
    let count = 1;
    let end = at + 12 + 8 + first.name.length;
    while (
      i + count < entries.length &&
      count < DIR_HEADER_MAX_ENTRIES &&
      entries[i + count]!.inode.block === first.inode.block &&
      Math.abs(entries[i + count]!.number - first.number) <= MAX_NUMBER_DELTA &&
      Math.floor(end / METADATA_SIZE) === blockNumber
    ) {
      end += 8 + entries[i + count]!.name.length;
      count += 1;
    }
    const header = Buffer.allocUnsafe(12);
    header.writeUInt32LE(count - 1, 0);
    header.writeUInt32LE(first.inode.block, 4);
    header.writeUInt32LE(first.number, 8);
    table.append(header);
    for (const entry of entries.slice(i, i + count)) {
      const encoded = Buffer.allocUnsafe(8 + entry.name.length);
      encoded.writeUInt16LE(entry.inode.offset, 0);
      encoded.writeInt16LE(entry.number - first.number, 2);
      encoded.writeUInt16LE(entry.type, 4);
      encoded.writeUInt16LE(entry.name.length - 1, 6);
      entry.name.copy(encoded, 8);
      table.append(encoded);
    }
    i += count;
  }
  return { block: start.block, offset: start.offset, size: table.length - listingStart + 3, parent: 0, index };
}
