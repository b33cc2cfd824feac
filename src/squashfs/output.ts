// The image file as an append-only byte stream written in large pieces: appends are copied into one of two
// staging buffers, and a full buffer is written while the other fills. Copying lets callers reuse their
// buffers at once (which spares the garbage collector), and costs less than the writes it batches.
import type { FileHandle } from 'node:fs/promises';

const STAGING_BYTES = 8 * 1024 * 1024;

export class ImageOutput {
  /** File offset of the first byte in the current staging buffer. */
  private stagedAt: number;
  private staging = Buffer.allocUnsafeSlow(STAGING_BYTES);
  private spare = Buffer.allocUnsafeSlow(STAGING_BYTES);
  private used = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: FileHandle,
    start: number,
  ) {
    this.stagedAt = start;
  }

  /** Offset of the next byte appended. */
  get position(): number {
    return this.stagedAt + this.used;
  }

  /** Append a copy of `data`. */
  async append(data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const n = Math.min(data.length - done, STAGING_BYTES - this.used);
      this.staging.set(n === data.length ? data : data.subarray(done, done + n), this.used);
      this.used += n;
      done += n;
      if (this.used === STAGING_BYTES) await this.flush();
    }
  }

  /** Start writing what is staged; waits only for the previous write. */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.used === 0) return;
    this.inFlight = writeAll(this.file, this.staging.subarray(0, this.used), this.stagedAt);
    this.stagedAt += this.used;
    this.used = 0;
    [this.staging, this.spare] = [this.spare, this.staging];
  }

  /** Write everything staged and wait for it. */
  async settle(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  /** Forget everything appended from `offset` on: later appends overwrite it. */
  async rewind(offset: number): Promise<void> {
    if (offset >= this.stagedAt) {
      this.used = offset - this.stagedAt;
      return;
    }
    await this.settle();
    this.stagedAt = offset;
  }

  /** Read back bytes already appended. */
  async read(offset: number, length: number): Promise<Buffer> {
    if (offset + length > this.stagedAt) await this.settle();
    else await this.inFlight;
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.file.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) throw new Error(`squashfs writer: short read back at offset ${offset + done}`);
      done += bytesRead;
    }
    return buffer;
  }

  /** Write everything, then put `header` at offset 0 and cut the file at `length`. */
  async close(header: Uint8Array, length: number): Promise<void> {
    await this.settle();
    await writeAll(this.file, header, 0);
    await this.file.truncate(length);
  }
}

async function writeAll(file: FileHandle, data: Uint8Array, at: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await file.write(data, done, data.length - done, at + done);
    done += bytesWritten;
  }
}
