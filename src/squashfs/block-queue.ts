// Writes data and fragment blocks in the order they were submitted, while up to `parallel` of them are
// being compressed. A block whose compressed form is not smaller is stored as it is.
import type { Compressor } from './compressor.js';
import { DATA_UNCOMPRESSED } from './format.js';
import type { ImageOutput } from './output.js';

/** Told where a block went: its offset and its size word (the stored size, DATA_UNCOMPRESSED when stored as is). */
export type BlockWritten = (offset: number, sizeWord: number) => void;

interface Pending {
  pieces: Uint8Array[];
  length: number;
  compressed: Promise<Buffer> | null;
  written: BlockWritten;
}

export class BlockQueue {
  private readonly pending: Pending[] = [];

  constructor(
    private readonly output: ImageOutput,
    private readonly compressor: Compressor,
    private readonly parallel: number,
  ) {}

  /** Queue one block made of `pieces` (`length` bytes in all); waits while too many are queued. */
  async submit(pieces: Uint8Array[], length: number, compress: boolean, written: BlockWritten): Promise<void> {
    if (!compress && this.pending.length === 0) return this.write({ pieces, length, compressed: null, written });
    let compressed: Promise<Buffer> | null = null;
    if (compress) {
      compressed = this.compressor.compress(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length));
      // Failures surface when the block is written; this keeps Node from calling them unhandled meanwhile.
      compressed.catch(() => undefined);
    }
    this.pending.push({ pieces, length, compressed, written });
    while (this.pending.length > this.parallel) await this.write(this.pending.shift()!);
  }

  /** Write every queued block. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) await this.write(this.pending.shift()!);
  }

  private async write(block: Pending): Promise<void> {
    const packed = block.compressed ? await block.compressed : null;
    const offset = this.output.position;
    if (packed !== null && packed.length < block.length) {
      await this.output.append(packed);
      block.written(offset, packed.length);
      return;
    }
    for (const piece of block.pieces) await this.output.append(piece);
    block.written(offset, block.length | DATA_UNCOMPRESSED);
  }
}
