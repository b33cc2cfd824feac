// SquashfsWriter: file data is written as entries arrive; the tree's metadata is kept in memory and the
// inode, directory and lookup tables are written by finish(), followed by the superblock at offset 0.
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { EnrootError } from '../errors.js';
import { BlockQueue } from './block-queue.js';
import { createCompressor, type Compressor } from './compressor.js';
import { FileDataWriter } from './file-data.js';
import { ABSENT_TABLE, DEVICE_BLOCK, Flag, SUPERBLOCK_SIZE } from './format.js';
import { FragmentPacker } from './fragments.js';
import { IdTable } from './ids.js';
import { writeInodeTables } from './inode-tables.js';
import { layOutLookupTable } from './lookup-table.js';
import { MetadataWriter, packRef } from './metadata.js';
import type { SquashfsOptions } from './options.js';
import { ImageOutput } from './output.js';
import { encodeSuperblock } from './superblock.js';
import { FileTree, type EntryMeta, type Leaf, type LeafKind } from './tree.js';
import { XattrTable } from './xattrs.js';

/** File contents: an iterable or async iterable of byte chunks, such as a Readable. */
export type FileContents = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

const U32_MAX = 0xffffffff;
/**
 * Fragment blocks compressing at once. It decides where fragment blocks land among the data, so it is a
 * constant: an image must not depend on how many processors wrote it.
 */
const FRAGMENTS_IN_FLIGHT = 16;
const MAX_MAJOR = 0xfff;
const MAX_MINOR = 0xfffff;

export class SquashfsWriter {
  private readonly tree: FileTree;
  private readonly compressor: Compressor;
  private readonly output: ImageOutput;
  private readonly queue: BlockQueue;
  private readonly fragments: FragmentPacker;
  private readonly fileData: FileDataWriter;
  private readonly mkfsTime: number;
  private writingFile = false;
  private finished = false;

  private constructor(
    private readonly file: FileHandle,
    private readonly options: SquashfsOptions,
  ) {
    this.compressor = createCompressor(options.compressor, options.level, Math.max(1, options.processors));
    this.mkfsTime = clampTime(options.mkfsTime ?? Date.now() / 1000);
    this.tree = new FileTree({ mode: 0o755, uid: 0, gid: 0, mtime: this.mkfsTime });
    this.output = new ImageOutput(file, SUPERBLOCK_SIZE);
    // Enough blocks in flight to keep every compressing thread busy while the next ones are read.
    this.queue = new BlockQueue(this.output, this.compressor, Math.max(1, options.processors) * 4);
    this.fragments = new FragmentPacker(this.output, options.compressFragments ? this.compressor : null, options.blockSize, FRAGMENTS_IN_FLIGHT);
    this.fileData = new FileDataWriter(options, this.output, this.queue, this.fragments, this.compressor);
  }

  /** Write a new image at `path` (created or truncated; it must be readable too, for duplicate checks). */
  static async create(path: string, options: SquashfsOptions): Promise<SquashfsWriter> {
    const file = await fsp.open(path, 'w+');
    try {
      return new SquashfsWriter(file, options);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  addDirectory(path: string, meta: EntryMeta): void {
    this.tree.addDirectory(path, meta);
  }

  /**
   * Store a regular file of `size` bytes. Add entries one at a time: await this before the next add. The
   * writer copies what it keeps of a chunk before it asks for the next one, so producers may reuse buffers.
   */
  async addFile(path: string, meta: EntryMeta, size: number, data: FileContents): Promise<void> {
    if (this.writingFile) throw new Error('SquashfsWriter.addFile called while another file is being written');
    this.writingFile = true;
    try {
      const stored = await this.fileData.write(path, size, data);
      this.addLeaf(path, meta, { type: 'file', data: stored });
    } finally {
      this.writingFile = false;
    }
  }

  addSymlink(path: string, meta: EntryMeta, target: string): void {
    this.addLeaf(path, meta, { type: 'symlink', target: Buffer.from(target) });
  }

  /** `path` becomes another name for the inode at `targetPath`, which may be added later. */
  addHardlink(path: string, targetPath: string): void {
    this.tree.addHardlink(path, targetPath);
  }

  addDevice(path: string, meta: EntryMeta, type: 'char' | 'block', major: number, minor: number): void {
    if (major > MAX_MAJOR || minor > MAX_MINOR || major < 0 || minor < 0) {
      throw new EnrootError(`squashfs entry '${path}': device number ${major}:${minor} does not fit in a squashfs image`);
    }
    this.addLeaf(path, meta, { type, major, minor });
  }

  addFifo(path: string, meta: EntryMeta): void {
    this.addLeaf(path, meta, { type: 'fifo' });
  }

  addSocket(path: string, meta: EntryMeta): void {
    this.addLeaf(path, meta, { type: 'socket' });
  }

  /** Write the tables and the superblock, and close the file. */
  async finish(): Promise<void> {
    if (this.finished) throw new Error('SquashfsWriter.finish called twice');
    this.finished = true;
    try {
      await this.writeTables();
    } finally {
      await this.compressor.close();
      await this.file.close();
    }
  }

  /** Stop without finishing: close the file (the caller removes it). */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.compressor.close();
    await this.file.close();
  }

  private addLeaf(path: string, meta: EntryMeta, kind: LeafKind): void {
    const leaf: Leaf = { kind, meta, links: 1 };
    this.tree.addLeaf(path, leaf);
  }

  private async writeTables(): Promise<void> {
    const { options } = this;
    await this.fragments.finish();
    this.tree.resolveHardlinks();

    const metadataCompressor = options.compressInodes ? this.compressor : null;
    const ids = new IdTable();
    const xattrs = options.xattrs ? new XattrTable(options.compressXattrs ? this.compressor : null) : null;
    const { allTime, mkfsTime } = options;
    const tables = await writeInodeTables(
      this.tree.root,
      {
        ids,
        xattrs,
        time: (mtime) => allTime ?? (mkfsTime === undefined ? clampTime(mtime) : Math.min(clampTime(mtime), this.mkfsTime)),
        uid: (uid) => (options.allRoot ? 0 : uid),
        gid: (gid) => (options.allRoot ? 0 : gid),
      },
      new MetadataWriter(metadataCompressor),
      new MetadataWriter(metadataCompressor),
    );

    const pieces: Buffer[] = [];
    let position = this.output.position;
    const place = (blocks: Buffer[]): number => {
      const at = position;
      for (const block of blocks) {
        pieces.push(block);
        position += block.length;
      }
      return at;
    };
    const inodeTableStart = place(tables.inodeBlocks);
    const directoryTableStart = place(tables.directoryBlocks);
    let fragmentTableStart = position;
    if (this.fragments.count > 0) {
      const table = await layOutLookupTable(this.fragments.entries(), position, metadataCompressor);
      place(table.pieces);
      fragmentTableStart = table.indexAt;
    }
    let exportTableStart = ABSENT_TABLE;
    if (options.exportTable) {
      const table = await layOutLookupTable(tables.exportEntries, position, metadataCompressor);
      place(table.pieces);
      exportTableStart = BigInt(table.indexAt);
    }
    const idTable = await layOutLookupTable(ids.entries(), position, options.compressIds ? this.compressor : null);
    place(idTable.pieces);
    let xattrIdTableStart = ABSENT_TABLE;
    if (xattrs !== null && xattrs.count > 0) {
      const table = await xattrs.layOut(position);
      place(table.pieces);
      xattrIdTableStart = BigInt(table.indexAt);
    }
    for (const piece of pieces) await this.output.append(piece);

    const superblock = encodeSuperblock({
      inodeCount: tables.inodeCount,
      mkfsTime: this.mkfsTime,
      blockSize: options.blockSize,
      fragmentCount: this.fragments.count,
      compression: this.compressor.id,
      flags: this.flags(),
      idCount: ids.count,
      rootInode: packRef(tables.rootInode),
      bytesUsed: position,
      idTableStart: idTable.indexAt,
      xattrIdTableStart,
      inodeTableStart,
      directoryTableStart,
      fragmentTableStart,
      exportTableStart,
    });
    await this.output.close(superblock, Math.ceil(position / DEVICE_BLOCK) * DEVICE_BLOCK);
  }

  private flags(): number {
    const o = this.options;
    return (
      (o.compressInodes ? 0 : Flag.UncompressedInodes) |
      (o.compressData ? 0 : Flag.UncompressedData) |
      (o.compressFragments ? 0 : Flag.UncompressedFragments) |
      (o.fragments ? 0 : Flag.NoFragments) |
      (o.duplicates ? Flag.Duplicates : 0) |
      (o.exportTable ? Flag.Exportable : 0) |
      (o.compressXattrs ? 0 : Flag.UncompressedXattrs) |
      (o.xattrs ? 0 : Flag.NoXattrs) |
      (o.compressIds ? 0 : Flag.UncompressedIds)
    );
  }
}

/** Squashfs times are unsigned 32-bit seconds. */
function clampTime(seconds: number): number {
  return Math.min(U32_MAX, Math.max(0, Math.floor(seconds)));
}
