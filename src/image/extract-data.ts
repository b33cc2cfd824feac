// A file's data, from the image into the file being extracted (one per worker thread). Stored blocks are
// copied inside the kernel with copy_file_range (no pass through user space; a reflink where the
// filesystem can), or through a buffer where the kernel refuses (image and output on different
// filesystem types); compressed blocks are inflated here, compressed fragment blocks once for all the
// tails they hold; sparse blocks stay holes.
import fs from 'node:fs';
import { DATA_UNCOMPRESSED } from '../squashfs/format.js';
import { dataSegments, ImageFormatError, type DataLayout, type Decompress, type StoredFile } from '../squashfs/reader/index.js';
import { copyFileRange } from '../sys/extract-calls.js';
import { SysError } from '../sys/libc.js';

/** Bytes copied between two checks for a stop request, so a large file does not delay an interrupt. */
const COPY_PIECE = 64 * 1024 * 1024;
const BUFFERED_PIECE = 1024 * 1024;
/** copy_file_range errors that mean "not between these two files": copy through a buffer instead. */
const NO_KERNEL_COPY = new Set(['EXDEV', 'EINVAL', 'EOPNOTSUPP', 'ENOSYS']);

export class FileDataCopier {
  private copyInKernel = true;
  private readonly scratch: Buffer;
  private lastFragment: { index: number; data: Buffer } | undefined;

  constructor(
    private readonly imageFd: number,
    private readonly layout: DataLayout,
    private readonly decompress: Decompress,
    /** Throws when the extraction is to stop. */
    private readonly checkStop: () => void,
  ) {
    this.scratch = Buffer.allocUnsafe(Math.max(layout.blockSize, BUFFERED_PIECE));
  }

  /** Writes `file`'s data into `outFd` (a new, empty file); its block words are at `wordsAt` in `words`. */
  write(outFd: number, file: StoredFile, words: Buffer, wordsAt: number): void {
    const segments = dataSegments(file, words, wordsAt, this.layout);
    if (segments.some((segment) => segment.kind === 'hole')) fs.ftruncateSync(outFd, file.size);
    for (const segment of segments) {
      switch (segment.kind) {
        case 'stored':
          this.copy(segment.imageOffset, outFd, segment.fileOffset, segment.length);
          break;
        case 'compressed': {
          const data = this.decompress(this.readImage(segment.imageOffset, segment.storedLength), segment.length);
          if (data.length !== segment.length) throw new ImageFormatError(`a data block inflates to ${data.length} bytes instead of ${segment.length}`);
          writeAll(outFd, data, segment.fileOffset);
          break;
        }
        case 'fragment':
          this.writeFragment(outFd, segment.fragment, segment.offset, segment.length, segment.fileOffset);
          break;
        case 'hole':
          break;
      }
    }
  }

  private writeFragment(outFd: number, index: number, offset: number, length: number, fileOffset: number): void {
    const word = this.layout.fragments.sizeWords[index]!;
    if (word & DATA_UNCOMPRESSED) {
      this.copy(this.layout.fragments.starts[index]! + offset, outFd, fileOffset, length);
      return;
    }
    const block = this.inflatedFragment(index);
    if (offset + length > block.length) throw new ImageFormatError(`a file's tail lies outside fragment ${index}`);
    writeAll(outFd, block.subarray(offset, offset + length), fileOffset);
  }

  /**
   * Compressed fragment block `index`, inflated once for the tails of all the files it holds: the plan
   * hands those files to one thread, one after another (see extract-plan.ts).
   */
  private inflatedFragment(index: number): Buffer {
    if (this.lastFragment?.index !== index) {
      // inflateSync returns a buffer of its own, so the block outlives the next read into scratch.
      const { starts, sizeWords } = this.layout.fragments;
      this.lastFragment = { index, data: this.decompress(this.readImage(starts[index]!, sizeWords[index]!), this.layout.blockSize) };
    }
    return this.lastFragment.data;
  }

  private copy(inOffset: number, outFd: number, outOffset: number, length: number): void {
    while (length > 0) {
      this.checkStop();
      const copied = this.copyPiece(inOffset, outFd, outOffset, Math.min(length, COPY_PIECE));
      if (copied === 0) throw new ImageFormatError('the image file ends inside file data');
      inOffset += copied;
      outOffset += copied;
      length -= copied;
    }
  }

  private copyPiece(inOffset: number, outFd: number, outOffset: number, length: number): number {
    if (this.copyInKernel) {
      try {
        return copyFileRange(this.imageFd, inOffset, outFd, outOffset, length);
      } catch (err) {
        if (!(err instanceof SysError) || !NO_KERNEL_COPY.has(err.code)) throw err;
        this.copyInKernel = false;
      }
    }
    const read = fs.readSync(this.imageFd, this.scratch, 0, Math.min(length, BUFFERED_PIECE), inOffset);
    writeAll(outFd, this.scratch.subarray(0, read), outOffset);
    return read;
  }

  /** `length` bytes of the image at `offset`, in the scratch buffer. */
  private readImage(offset: number, length: number): Buffer {
    const stored = this.scratch.subarray(0, length);
    let done = 0;
    while (done < length) {
      const read = fs.readSync(this.imageFd, stored, done, length - done, offset + done);
      if (read === 0) throw new ImageFormatError('the image file ends inside file data');
      done += read;
    }
    return stored;
  }
}

function writeAll(fd: number, data: Buffer, position: number): void {
  for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done, position + done);
}
