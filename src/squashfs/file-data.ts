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

/** Distinct contents of one size: those hashed so far by digest, and those not hashed yet. */
interface SameSize {
  byDigest: Map<string, StoredFile>;
  unhashed: StoredFile[];
}

export interface FileDataSettings {
  blockSize: number;
  compressData: boolean;
  fragments: boolean;
  duplicates: boolean;
}

export class FileDataWriter {
  /** Distinct contents stored so far, by size. */
  private readonly bySize = new Map<number, SameSize>();
  private readonly zeros: Buffer;
  private readonly carry: Buffer;

  constructor(
    private readonly settings: FileDataSettings,
    private readonly output: ImageOutput,
    private readonly queue: BlockQueue,
    private readonly fragments: FragmentPacker,
    private readonly compressor: Compressor,
  ) {
    this.zeros = Buffer.alloc(settings.blockSize);
    this.carry = Buffer.allocUnsafe(settings.blockSize);
  }

  /** Store `size` bytes read from `data`; `name` is for messages. */
  async write(name: string, size: number, data: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<StoredFile> {
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

    // A block that spans chunks, and the tail, are gathered in `carry`: chunks are not kept once consumed.
    const carry = this.carry;
    let carried = 0;
    let index = 0;
    let received = 0;
    for await (const chunk of data) {
      received += chunk.length;
      if (received > size) throw new EnrootError(`squashfs entry '${name}': its data is longer than its size ${size}`);
      hash?.update(chunk);
      let at = 0;
      while (at < chunk.length) {
        if (index === blockCount) {
          carry.set(at === 0 ? chunk : chunk.subarray(at), carried);
          carried += chunk.length - at;
          break;
        }
        const blockLength = Math.min(blockSize, size - index * blockSize);
        if (carried === 0 && chunk.length - at >= blockLength) {
          await this.storeBlock(file, index++, chunk.subarray(at, at + blockLength), blockWritten);
          at += blockLength;
          continue;
        }
        const n = Math.min(blockLength - carried, chunk.length - at);
        carry.set(chunk.subarray(at, at + n), carried);
        carried += n;
        at += n;
        if (carried === blockLength) {
          await this.storeBlock(file, index++, carry.subarray(0, blockLength), blockWritten);
          carried = 0;
        }
      }
    }
    if (received !== size) throw new EnrootError(`squashfs entry '${name}': its data ended after ${received} of ${size} bytes`);

    // All of this file's blocks go out before anything else (a fragment block) can be written.
    await this.queue.drain();
    const digest = hash?.digest('base64') ?? null;
    if (digest !== null && sameSize !== undefined) {
      const earlier = await this.findStored(sameSize, digest);
      if (earlier !== undefined) {
        if (startKnown) await this.output.rewind(file.start);
        return earlier;
      }
    }
    if (carried > 0) {
      const place = await this.fragments.add(carry.subarray(0, carried));
      file.fragment = place.index;
      file.fragmentOffset = place.offset;
    }
    if (duplicates && size > 0) {
      const group: SameSize = sameSize ?? { byDigest: new Map(), unhashed: [] };
      if (digest === null) group.unhashed.push(file);
      else group.byDigest.set(digest, file);
      this.bySize.set(size, group);
    }
    return file;
  }

  private async storeBlock(file: StoredFile, index: number, block: Uint8Array, written: (index: number) => BlockWritten): Promise<void> {
    if (block[0] === 0 && Buffer.compare(block, this.zeros.subarray(0, block.length)) === 0) {
      file.blocks[index] = 0;
      file.sparseBytes += block.length;
      return;
    }
    await this.queue.submit(block, this.settings.compressData, written(index));
  }

  /** A stored file with this digest, hashing the unhashed ones of the same size first. */
  private async findStored(group: SameSize, digest: string): Promise<StoredFile | undefined> {
    for (const file of group.unhashed) group.byDigest.set(await this.digestOf(file), file);
    group.unhashed.length = 0;
    return group.byDigest.get(digest);
  }

  /** Hash a stored file's contents by reading them back from the image. */
  private async digestOf(file: StoredFile): Promise<string> {
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
    return hash.digest('base64');
  }
}
