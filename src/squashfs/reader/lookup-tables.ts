// The id table (uids and gids) and the fragment table (where each fragment block is stored).
import { DATA_UNCOMPRESSED } from '../format.js';
import type { Superblock } from '../superblock.js';
import type { Decompress } from './decompress.js';
import { ImageFormatError } from './format-error.js';
import type { ImageFile } from './image-file.js';
import { readLookupTable } from './metadata.js';
import { u64 } from './superblock.js';

export function readIds(image: ImageFile, superblock: Superblock, decompress: Decompress): Uint32Array {
  const table = readLookupTable(image, superblock.idTableStart, superblock.idCount, 4, decompress, 'id table');
  const ids = new Uint32Array(superblock.idCount);
  for (let i = 0; i < ids.length; i++) ids[i] = table.readUInt32LE(i * 4);
  return ids;
}

export interface FragmentTable {
  /** Image offset of each fragment block. */
  starts: Float64Array;
  /** Its stored size, with DATA_UNCOMPRESSED set when it is stored as is. */
  sizeWords: Uint32Array;
}

/** The fragment table, each block checked to lie inside the image and to be no larger than a block. */
export function readFragments(image: ImageFile, superblock: Superblock, decompress: Decompress): FragmentTable {
  const count = superblock.fragmentCount;
  const table = readLookupTable(image, superblock.fragmentTableStart, count, 16, decompress, 'fragment table');
  const fragments = { starts: new Float64Array(count), sizeWords: new Uint32Array(count) };
  for (let i = 0; i < count; i++) {
    const start = u64(table, i * 16, `fragment ${i}'s start`);
    const sizeWord = table.readUInt32LE(i * 16 + 8);
    const stored = sizeWord & ~DATA_UNCOMPRESSED;
    if (stored === 0 || stored > superblock.blockSize) throw new ImageFormatError(`fragment ${i} has a stored size of ${stored}`);
    image.checkRange(start, stored, `fragment ${i}`);
    fragments.starts[i] = start;
    fragments.sizeWords[i] = sizeWord;
  }
  return fragments;
}
