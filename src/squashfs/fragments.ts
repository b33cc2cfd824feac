// Tail packing: the last partial block of each file is copied into a shared fragment block. Tails that
// look random (see entropy.ts) go to blocks of their own that are stored without trying to compress them;
// the others go to blocks that compress in the background. A sealed block is written once `depth` more
// blocks have been sealed after it (or at the end), so several compress at once while the order of writes,
// and so the image, stays the same from run to run. Fragments are only sealed between files, never while a
// file's blocks are being written, so a file's blocks stay contiguous.
import { compressionResult, startCompression, type Compression, type Compressor } from './compressor.js';
import { looksIncompressible } from './entropy.js';
import { DATA_UNCOMPRESSED } from './format.js';
import type { ImageOutput } from './output.js';

export interface FragmentPlace {
  index: number;
  offset: number;
}

interface FragmentBlock {
  /** The uncompressed block from sealing until it is written. */
  raw: Buffer | null;
  compression: Compression | null;
  offset: number;
  sizeWord: number;
}

/** A fragment block being filled. */
interface OpenBlock {
  index: number;
  buffer: Buffer;
  used: number;
  compress: boolean;
}

export class FragmentPacker {
  private readonly blocks: FragmentBlock[] = [];
  /** Open blocks: [for compressible tails, for random-looking tails]. */
  private readonly open: [OpenBlock | null, OpenBlock | null] = [null, null];
  private readonly unwritten: FragmentBlock[] = [];
  /** Written blocks' buffers, reused for new blocks (fewer large allocations, less garbage collection). */
  private readonly free: Buffer[] = [];
  private cached: { index: number; block: Buffer } | null = null;

  constructor(
    private readonly output: ImageOutput,
    private readonly compressor: Compressor | null,
    private readonly blockSize: number,
    /** Sealed blocks compressing at once. */
    private readonly depth: number,
  ) {}

  get count(): number {
    return this.blocks.length;
  }

  /** Copy a file's tail into a fragment block. */
  async add(tail: Uint8Array): Promise<FragmentPlace> {
    const kind = this.compressor && !looksIncompressible(tail) ? 0 : 1;
    let block = this.open[kind];
    if (block !== null && block.used + tail.length > this.blockSize) {
      await this.seal(kind);
      block = null;
    }
    if (block === null) {
      block = { index: this.blocks.length, buffer: this.free.pop() ?? Buffer.allocUnsafe(this.blockSize), used: 0, compress: kind === 0 };
      this.blocks.push({ raw: null, compression: null, offset: 0, sizeWord: 0 });
      this.open[kind] = block;
    }
    const place = { index: block.index, offset: block.used };
    block.buffer.set(tail, block.used);
    block.used += tail.length;
    return place;
  }

  /** Seal the open blocks and write every block. */
  async finish(): Promise<void> {
    await this.seal(0);
    await this.seal(1);
    while (this.unwritten.length > 0) await this.writeNext();
  }

  /** The uncompressed contents of fragment block `index` (for duplicate checks). */
  async read(index: number): Promise<Buffer> {
    const open = this.open.find((block) => block?.index === index);
    if (open) return open.buffer.subarray(0, open.used);
    const block = this.blocks[index]!;
    if (block.raw !== null) return block.raw;
    if (this.cached?.index === index) return this.cached.block;
    const stored = await this.output.read(block.offset, block.sizeWord & ~DATA_UNCOMPRESSED);
    const contents = block.sizeWord & DATA_UNCOMPRESSED ? stored : await this.compressor!.decompress(stored);
    this.cached = { index, block: contents };
    return contents;
  }

  /** The fragment table entries: u64 offset, u32 size word, u32 unused. */
  entries(): Buffer {
    const buffer = Buffer.alloc(this.blocks.length * 16);
    this.blocks.forEach(({ offset, sizeWord }, i) => {
      buffer.writeBigUInt64LE(BigInt(offset), i * 16);
      buffer.writeUInt32LE(sizeWord, i * 16 + 8);
    });
    return buffer;
  }

  private async seal(kind: 0 | 1): Promise<void> {
    const open = this.open[kind];
    if (open === null) return;
    this.open[kind] = null;
    const block = this.blocks[open.index]!;
    block.raw = open.buffer.subarray(0, open.used);
    if (open.compress) block.compression = startCompression(this.compressor!, block.raw);
    this.unwritten.push(block);
    while (this.unwritten.length > this.depth) await this.writeNext();
  }

  private async writeNext(): Promise<void> {
    const block = this.unwritten.shift()!;
    const raw = block.raw!;
    const packed = block.compression ? await compressionResult(this.compressor!, block.compression) : null;
    block.offset = this.output.position;
    if (packed !== null && packed.length < raw.length) {
      await this.output.append(packed);
      block.sizeWord = packed.length;
    } else {
      await this.output.append(raw);
      block.sizeWord = raw.length | DATA_UNCOMPRESSED;
    }
    if (raw.byteOffset === 0 && raw.buffer.byteLength === this.blockSize) this.free.push(Buffer.from(raw.buffer, 0, this.blockSize));
    block.raw = null;
    block.compression = null;
  }
}
