// Our squashfs 4.0 reader, for `enroot create`. Opening an image reads and checks the superblock, the
// small tables, the inode and directory tables and the whole tree (names, types, loops), so a hostile
// tree fails before anything is written; the inodes of leaves are parsed (and checked) by readInode when
// they are used, their data blocks described by data-blocks.ts. Every inconsistency is an ImageFormatError,
// which openSquashfsImage turns into the EnrootError `Invalid image format: FILE (reason)`.
//
//   const image = openSquashfsImage(path);   // superblock, ids, fragments, xattrs, inode table, tree
//   image.tree.directories, image.tree.leaves, readInode(image.inodes.bytes, ...), image.file.close()
import { ABSENT_TABLE } from '../format.js';
import type { Superblock } from '../superblock.js';
import { blockDecompressor } from './decompress.js';
import { readingImage } from './format-error.js';
import { ImageFile } from './image-file.js';
import { readFragments, readIds, type FragmentTable } from './lookup-tables.js';
import { readMetadataTable, type MetadataTable } from './metadata.js';
import { readSuperblock, u64 } from './superblock.js';
import { walkTree, type ImageTree } from './tree.js';
import { XattrTable } from './xattrs.js';

/** What reading inodes and file data needs besides the inode table. */
export interface ImageTables {
  file: ImageFile;
  superblock: Superblock;
  ids: Uint32Array;
  fragments: FragmentTable;
  /** null when the image stores no xattrs. */
  xattrs: XattrTable | null;
}

export interface SquashfsImage extends ImageTables {
  /** The decoded inode table (in shared memory), which also holds the files' block lists. */
  inodes: MetadataTable;
  tree: ImageTree;
}

/**
 * Where the directory table ends: at the first thing written after it (mksquashfs and our writer put the
 * fragment, export, id and xattr tables there, each starting with its metadata blocks).
 */
function directoryTableEnd(image: ImageFile, superblock: Superblock): number {
  const firstBlockOf = (indexAt: number, what: string): number => u64(image.read(indexAt, 8, what), 0, what);
  const candidates = [superblock.bytesUsed, superblock.fragmentTableStart, superblock.idTableStart, firstBlockOf(superblock.idTableStart, 'the id table index')];
  if (superblock.fragmentCount > 0) candidates.push(firstBlockOf(superblock.fragmentTableStart, 'the fragment table index'));
  for (const table of [superblock.exportTableStart, superblock.xattrIdTableStart]) {
    if (table !== ABSENT_TABLE) candidates.push(Number(table), firstBlockOf(Number(table), 'a table index'));
  }
  return Math.min(...candidates.filter((at) => at > superblock.directoryTableStart));
}

/** The superblock and the small tables of an open image; throws ImageFormatError. */
export function readImageTables(file: ImageFile): ImageTables {
  const superblock = readSuperblock(file);
  const decompress = blockDecompressor(superblock.compression);
  return {
    file,
    superblock,
    ids: readIds(file, superblock, decompress),
    fragments: readFragments(file, superblock, decompress),
    xattrs: XattrTable.read(file, superblock, decompress),
  };
}

function readImage(file: ImageFile): SquashfsImage {
  const tables = readImageTables(file);
  const { superblock } = tables;
  const decompress = blockDecompressor(superblock.compression);
  const inodes = readMetadataTable(file, superblock.inodeTableStart, superblock.directoryTableStart, decompress, 'the inode table');
  const listings = readMetadataTable(file, superblock.directoryTableStart, directoryTableEnd(file, superblock), decompress, 'the directory table');
  const tree = walkTree({ inodes, listings, ids: tables.ids, blockSize: superblock.blockSize }, superblock.rootInode);
  return { ...tables, inodes, tree };
}

export function openSquashfsImage(path: string): SquashfsImage {
  const file = ImageFile.open(path);
  try {
    return readingImage(path, () => readImage(file));
  } catch (err) {
    file.close();
    throw err;
  }
}

export { readingImage, invalidImage, ImageFormatError } from './format-error.js';
export { blockDecompressor, type Decompress } from './decompress.js';
export { dataSegments, type DataLayout, type StoredFile } from './data-blocks.js';
export { readSuperblock } from './superblock.js';
export { ImageFile } from './image-file.js';
export { readInode, fileSizeAt, fileFragmentAt, KINDS, type Inode } from './inodes.js';
export type { DirectoryNode, ImageTree } from './tree.js';
export type { FragmentTable } from './lookup-tables.js';
export type { UserXattr } from './xattrs.js';
