// Tail packing: the last partial block of each file is copied into a shared fragment block; full fragment
// blocks go out through the block queue. The fragment table maps a fragment index to its block on disk.
import type { BlockQueue } from './block-queue.js';
import type { Compressor } from './compressor.js';
import { DATA_UNCOMPRESSED } from './format.js';
import type { ImageOutput } from './output.js';

export interface FragmentPlace {
  index: number;
  offset: number;
}

export class FragmentPacker {
  private current: Buffer | null = null;
  private used = 0;
  /** Offset and size word of each sealed block, filled in when the queue writes it. */
  private readonly sealed: { offset: number; sizeWord: number }[] = [];
  private cached: { index: number; block: Buffer } | null = null;

  constructor(
    private readonly queue: BlockQueue,
    private readonly output: ImageOutput,
    private readonly compressor: Compressor,
    private readonly blockSize: number,
    private readonly compress: boolean,
  ) {}

  get count(): number {
    return this.sealed.length;
  }

  /** Copy a tail (`length` bytes in `pieces`) into the current fragment block. */
  async add(pieces: Uint8Array[], length: number): Promise<FragmentPlace> {
    if (this.current === null || this.used + length > this.blockSize) {
      await this.seal();
      this.current = Buffer.allocUnsafe(this.blockSize);
    }
    const place = { index: this.sealed.length, offset: this.used };
    for (const piece of pieces) {
      this.current.set(piece, this.used);
      this.used += piece.length;
    }
    return place;
  }

  /** Send the current block to the queue. */
  async seal(): Promise<void> {
    if (this.current === null || this.used === 0) return;
    const entry = { offset: 0, sizeWord: 0 };
    this.sealed.push(entry);
    const block = this.current.subarray(0, this.used);
    this.current = null;
    this.used = 0;
    await this.queue.submit([block], block.length, this.compress, (offset, sizeWord) => {
      entry.offset = offset;
      entry.sizeWord = sizeWord;
    });
  }

  /** The uncompressed contents of fragment block `index` (for duplicate checks). Drain the queue first. */
  async read(index: number): Promise<Buffer> {
    if (index === this.sealed.length) return this.current!.subarray(0, this.used);
    if (this.cached?.index === index) return this.cached.block;
    const { offset, sizeWord } = this.sealed[index]!;
    const stored = await this.output.read(offset, sizeWord & ~DATA_UNCOMPRESSED);
    const block = sizeWord & DATA_UNCOMPRESSED ? stored : await this.compressor.decompress(stored);
    this.cached = { index, block };
    return block;
  }

  /** The fragment table entries: u64 offset, u32 size word, u32 unused. */
  entries(): Buffer {
    const buffer = Buffer.alloc(this.sealed.length * 16);
    this.sealed.forEach(({ offset, sizeWord }, i) => {
      buffer.writeBigUInt64LE(BigInt(offset), i * 16);
      buffer.writeUInt32LE(sizeWord, i * 16 + 8);
    });
    return buffer;
  }
}
