// Writes a file's data blocks in the order they were submitted, while up to `parallel` of them are being
// compressed. A block whose compressed form is not smaller is stored as it is.
import { compressionResult, startCompression, type Compression, type Compressor } from './compressor.js';
import { DATA_UNCOMPRESSED } from './format.js';
import type { ImageOutput } from './output.js';

/** Told where a block went: its offset and its size word (the stored size, DATA_UNCOMPRESSED when stored as is). */
export type BlockWritten = (offset: number, sizeWord: number) => void;

interface Pending {
  raw: Uint8Array;
  compression: Compression | null;
  written: BlockWritten;
}

export class BlockQueue {
  private readonly pending: Pending[] = [];

  constructor(
    private readonly output: ImageOutput,
    private readonly compressor: Compressor,
    private readonly parallel: number,
  ) {}

  /** Queue one block; waits while too many are queued. The block is copied, so the caller may reuse it. */
  async submit(block: Uint8Array, compress: boolean, written: BlockWritten): Promise<void> {
    if (!compress) {
      await this.drain();
      return this.write({ raw: block, compression: null, written });
    }
    const raw = Buffer.from(block);
    this.pending.push({ raw, compression: startCompression(this.compressor, raw), written });
    while (this.pending.length > this.parallel) await this.write(this.pending.shift()!);
  }

  /** Write every queued block. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) await this.write(this.pending.shift()!);
  }

  private async write(block: Pending): Promise<void> {
    const packed = block.compression ? await compressionResult(this.compressor, block.compression) : null;
    const offset = this.output.position;
    if (packed !== null && packed.length < block.raw.length) {
      await this.output.append(packed);
      block.written(offset, packed.length);
      return;
    }
    await this.output.append(block.raw);
    block.written(offset, block.raw.length | DATA_UNCOMPRESSED);
  }
}
