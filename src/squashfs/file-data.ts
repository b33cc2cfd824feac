// Regular file contents: cut the incoming stream into blocks, store all-zero blocks as sparse, send the tail
// to the fragment packer, and store identical contents once. Contents are hashed only when another file of
// the same size exists (or when the file is small enough to live in one fragment, where hashing is cheaper
// than reading it back later); an earlier file's hash is computed from the image when first needed.
import { createHash, type Hash } from 'node:crypto';
import { EnrootError } from '../errors.js';
import type { BlockQueue, BlockWritten } from './block-queue.js';
import type { Compressor } from './compressor.js';
import { DATA_UNCOMPRESSED, NO_FRAGMENT } from './format.js';
import type { FragmentPacker } from './fragments.js';
import type { ImageOutput } from './output.js';
import type { StoredFile } from './tree.js';

interface Stored {
  file: StoredFile;
  digest: Buffer | null;
}

export interface FileDataSettings {
  blockSize: number;
  compressData: boolean;
  fragments: boolean;
  duplicates: boolean;
}

export class FileDataWriter {
  /** Distinct contents stored so far, by size. */
  private readonly bySize = new Map<number, Stored[]>();
  private readonly zeros: Buffer;

  constructor(
    private readonly settings: FileDataSettings,
    private readonly output: ImageOutput,
    private readonly queue: BlockQueue,
    private readonly fragments: FragmentPacker,
    private readonly compressor: Compressor,
  ) {
    this.zeros = Buffer.alloc(settings.blockSize);
  }

  /** Store `size` bytes read from `data`; `name` is for messages. */
  async write(name: string, size: number, data: AsyncIterable<Uint8Array>): Promise<StoredFile> {
    const { blockSize, fragments, duplicates } = this.settings;
    const blockCount = fragments ? Math.floor(size / blockSize) : Math.ceil(size / blockSize);
    const file: StoredFile = { size, start: 0, blocks: new Array<number>(blockCount), fragment: NO_FRAGMENT, fragmentOffset: 0, sparseBytes: 0 };
    const sameSize = duplicates && size > 0 ? this.bySize.get(size) : undefined;
    const hash = duplicates && size > 0 && (sameSize !== undefined || size < blockSize) ? createHash('sha256') : null;

    let startKnown = false;
    const blockWritten = (index: number): BlockWritten => (offset, sizeWord) => {
      if (!startKnown) {
        file.start = offset;
        startKnown = true;
      }
      file.blocks[index] = sizeWord;
    };

    let pieces: Uint8Array[] = [];
    let pieceBytes = 0;
    let index = 0;
    let received = 0;
    for await (const chunk of data) {
      received += chunk.length;
      if (received > size) throw new EnrootError(`squashfs entry '${name}': its data is longer than its size ${size}`);
      hash?.update(chunk);
      let at = 0;
      while (at < chunk.length) {
        const want = index < blockCount ? Math.min(blockSize, size - index * blockSize) - pieceBytes : chunk.length - at;
        const piece = chunk.subarray(at, at + want);
        pieces.push(piece);
        pieceBytes += piece.length;
        at += piece.length;
        if (index < blockCount && pieceBytes === Math.min(blockSize, size - index * blockSize)) {
          await this.storeBlock(file, index, pieces, pieceBytes, blockWritten(index));
          index += 1;
          pieces = [];
          pieceBytes = 0;
        }
      }
    }
    if (received !== size) throw new EnrootError(`squashfs entry '${name}': its data ended after ${received} of ${size} bytes`);

    const digest = hash?.digest() ?? null;
    if (digest !== null && sameSize !== undefined) {
      await this.queue.drain();
      for (const earlier of sameSize) {
        earlier.digest ??= await this.digestOf(earlier.file);
        if (earlier.digest.equals(digest)) {
          if (startKnown) await this.output.rewind(file.start);
          return earlier.file;
        }
      }
    }
    if (pieceBytes > 0) {
      const place = await this.fragments.add(pieces, pieceBytes);
      file.fragment = place.index;
      file.fragmentOffset = place.offset;
    }
    if (duplicates && size > 0) {
      const stored = { file, digest };
      if (sameSize) sameSize.push(stored);
      else this.bySize.set(size, [stored]);
    }
    return file;
  }

  private async storeBlock(file: StoredFile, index: number, pieces: Uint8Array[], length: number, written: BlockWritten): Promise<void> {
    if (pieces.every((piece) => Buffer.compare(piece, this.zeros.subarray(0, piece.length)) === 0)) {
      file.blocks[index] = 0;
      file.sparseBytes += length;
      return;
    }
    await this.queue.submit(pieces, length, this.settings.compressData, written);
  }

  /** Hash a stored file's contents by reading them back from the image. */
  private async digestOf(file: StoredFile): Promise<Buffer> {
    const { blockSize } = this.settings;
    const hash: Hash = createHash('sha256');
    let offset = file.start;
    for (let i = 0; i < file.blocks.length; i++) {
      const length = Math.min(blockSize, file.size - i * blockSize);
      const word = file.blocks[i]!;
      if (word === 0) {
        hash.update(this.zeros.subarray(0, length));
        continue;
      }
      const storedLength = word & ~DATA_UNCOMPRESSED;
      const stored = await this.output.read(offset, storedLength);
      offset += storedLength;
      hash.update(word & DATA_UNCOMPRESSED ? stored : await this.compressor.decompress(stored));
    }
    if (file.fragment !== NO_FRAGMENT) {
      const block = await this.fragments.read(file.fragment);
      const tail = file.size - file.blocks.length * blockSize;
      hash.update(block.subarray(file.fragmentOffset, file.fragmentOffset + tail));
    }
    return hash.digest();
  }
}
