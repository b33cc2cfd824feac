// The image file as an append-only byte stream with few, large writes. Small pieces are copied into a
// staging buffer; large ones are queued by reference (no copy) and go out in the same writev. One write is
// in flight while the next batch fills the other staging buffer.
import type { FileHandle } from 'node:fs/promises';

const FLUSH_BYTES = 8 * 1024 * 1024;
const STAGING_BYTES = 2 * 1024 * 1024;
/** Pieces at least this large are written from the caller's buffer instead of being copied. */
const BY_REFERENCE_BYTES = 32 * 1024;

export class ImageOutput {
  /** File offset where the queued pieces begin. */
  private queuedAt: number;
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  private staging: Buffer = Buffer.allocUnsafeSlow(STAGING_BYTES);
  private spare: Buffer = Buffer.allocUnsafeSlow(STAGING_BYTES);
  private stagingUsed = 0;
  /** Where the last queued staging piece starts, so contiguous small writes extend it. */
  private stagingPieceStart = -1;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: FileHandle,
    start: number,
  ) {
    this.queuedAt = start;
  }

  /** Offset of the next byte appended. */
  get position(): number {
    return this.queuedAt + this.queuedBytes;
  }

  /** Append bytes. The caller must not change a buffer it passed until the image is finished. */
  async append(data: Uint8Array): Promise<void> {
    if (data.length === 0) return;
    if (data.length >= BY_REFERENCE_BYTES) {
      this.queued.push(data);
      this.stagingPieceStart = -1;
    } else {
      if (this.stagingUsed + data.length > STAGING_BYTES) await this.flush();
      this.staging.set(data, this.stagingUsed);
      if (this.stagingPieceStart >= 0) {
        this.queued[this.queued.length - 1] = this.staging.subarray(this.stagingPieceStart, this.stagingUsed + data.length);
      } else {
        this.stagingPieceStart = this.stagingUsed;
        this.queued.push(this.staging.subarray(this.stagingUsed, this.stagingUsed + data.length));
      }
      this.stagingUsed += data.length;
    }
    this.queuedBytes += data.length;
    if (this.queuedBytes >= FLUSH_BYTES) await this.flush();
  }

  /** Start writing what is queued; waits only for the previous write. */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.queuedBytes === 0) return;
    const pieces = this.queued;
    const at = this.queuedAt;
    this.inFlight = writeAll(this.file, pieces, at);
    this.queuedAt += this.queuedBytes;
    this.queued = [];
    this.queuedBytes = 0;
    [this.staging, this.spare] = [this.spare, this.staging];
    this.stagingUsed = 0;
    this.stagingPieceStart = -1;
  }

  /** Write everything queued and wait for it. */
  async settle(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  /** Forget everything appended from `offset` on: later appends overwrite it. */
  async rewind(offset: number): Promise<void> {
    if (offset >= this.queuedAt) {
      let keep = offset - this.queuedAt;
      const kept: Uint8Array[] = [];
      for (const piece of this.queued) {
        if (keep === 0) break;
        const part = piece.length <= keep ? piece : piece.subarray(0, keep);
        kept.push(part);
        keep -= part.length;
      }
      this.queued = kept;
      this.queuedBytes = offset - this.queuedAt;
    } else {
      await this.settle();
      this.queuedAt = offset;
    }
    this.stagingPieceStart = -1;
  }

  /** Read back bytes already appended. */
  async read(offset: number, length: number): Promise<Buffer> {
    if (offset + length > this.queuedAt) await this.settle();
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
    await writeAll(this.file, [header], 0);
    await this.file.truncate(length);
  }
}

async function writeAll(file: FileHandle, pieces: Uint8Array[], at: number): Promise<void> {
  let position = at;
  let rest = pieces;
  // writev may write less than asked (and takes at most IOV_MAX pieces); continue where it stopped.
  while (rest.length > 0) {
    const batch = rest.slice(0, 1024);
    const total = batch.reduce((sum, piece) => sum + piece.length, 0);
    const { bytesWritten } = await file.writev(batch, position);
    position += bytesWritten;
    if (bytesWritten === total) {
      rest = rest.slice(batch.length);
      continue;
    }
    let skip = bytesWritten;
    let index = 0;
    while (skip >= rest[index]!.length) skip -= rest[index++]!.length;
    rest = [rest[index]!.subarray(skip), ...rest.slice(index + 1)];
  }
}
