// A metadata table (inodes, directories, xattrs, lookup tables) held in memory: a byte stream cut into
// 8 KiB blocks, each compressed on its own and stored behind a u16 length header. References into the
// table are (start of the block on disk relative to the table, offset inside the uncompressed block).
import type { Compressor } from './compressor.js';
import { METADATA_SIZE, METADATA_UNCOMPRESSED } from './format.js';

export interface MetadataRef {
  /** Offset of the block's header from the start of the table. */
  block: number;
  /** Offset inside the block's uncompressed bytes. */
  offset: number;
}

/** The u64 form of a reference used by inodes, the export table and the root inode field. */
export function packRef(ref: MetadataRef): bigint {
  return (BigInt(ref.block) << 16n) | BigInt(ref.offset);
}

export class MetadataWriter {
  private readonly stored: Buffer[] = [];
  private storedBytes = 0;
  private current = Buffer.allocUnsafe(METADATA_SIZE);
  private used = 0;
  /** Full blocks waiting for compression. */
  private full: Buffer[] = [];

  /** `compressor` null stores every block uncompressed. */
  constructor(private readonly compressor: Compressor | null) {}

  append(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const n = Math.min(bytes.length - done, METADATA_SIZE - this.used);
      this.current.set(bytes.subarray(done, done + n), this.used);
      this.used += n;
      done += n;
      if (this.used === METADATA_SIZE) {
        this.full.push(this.current);
        this.current = Buffer.allocUnsafe(METADATA_SIZE);
        this.used = 0;
      }
    }
  }

  /** Uncompressed bytes appended so far. */
  get length(): number {
    return (this.stored.length + this.full.length) * METADATA_SIZE + this.used;
  }

  /** Compress the full blocks; needed before `ref()` because a block's start depends on the ones before it. */
  async settle(): Promise<void> {
    if (this.full.length === 0) return;
    const blocks = this.full;
    this.full = [];
    for (const block of await Promise.all(blocks.map((b) => this.store(b)))) {
      this.stored.push(block);
      this.storedBytes += block.length;
    }
  }

  /** Where the next appended byte goes. Call `settle()` first. */
  ref(): MetadataRef {
    if (this.full.length > 0) throw new Error('MetadataWriter.ref() before settle()');
    return { block: this.storedBytes, offset: this.used };
  }

  /** The whole table as stored on disk, one buffer per block. */
  async finish(): Promise<Buffer[]> {
    await this.settle();
    if (this.used > 0) {
      this.stored.push(await this.store(this.current.subarray(0, this.used)));
      this.storedBytes += this.stored[this.stored.length - 1]!.length;
      this.used = 0;
    }
    return this.stored;
  }

  private async store(block: Buffer): Promise<Buffer> {
    const packed = this.compressor ? await this.compressor.compress(block) : null;
    const keep = packed !== null && packed.length < block.length;
    const body = keep ? packed : block;
    const header = Buffer.allocUnsafe(2);
    header.writeUInt16LE(keep ? body.length : body.length | METADATA_UNCOMPRESSED);
    return Buffer.concat([header, body]);
  }
}
