// A squashfs image opened for reading: positioned reads that never reach past the end of the filesystem
// (the superblock's bytes_used, itself checked against the file size).
import fs from 'node:fs';
import { ImageFormatError } from './format-error.js';

export class ImageFile {
  /** Bytes that belong to the filesystem; reads past this end are format errors. */
  private end: number;

  private constructor(
    readonly path: string,
    readonly fd: number,
    /** The size of the file. */
    readonly size: number,
  ) {
    this.end = size;
  }

  static open(path: string): ImageFile {
    const fd = fs.openSync(path, 'r');
    return new ImageFile(path, fd, fs.fstatSync(fd).size);
  }

  /** Narrows reads to the filesystem's own bytes once the superblock says how many there are. */
  limitTo(bytesUsed: number): void {
    if (bytesUsed > this.size) throw new ImageFormatError(`the image claims ${bytesUsed} bytes but the file has ${this.size}`);
    this.end = bytesUsed;
  }

  get length(): number {
    return this.end;
  }

  /** Checks that [offset, offset + length) lies inside the filesystem. */
  checkRange(offset: number, length: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.end) {
      throw new ImageFormatError(`${what} at ${offset} (${length} bytes) lies outside the image`);
    }
  }

  read(offset: number, length: number, what: string): Buffer {
    this.checkRange(offset, length, what);
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buffer, done, length - done, offset + done);
      if (n === 0) throw new ImageFormatError(`${what} at ${offset} is cut short`);
      done += n;
    }
    return buffer;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
