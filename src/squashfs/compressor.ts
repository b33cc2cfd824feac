// Block compressors. Both run off the main thread (zlib on our worker pool, zstd on libuv's pool through
// its addon), so several blocks compress in parallel while the writer goes on reading input.
import { createRequire } from 'node:module';
import { inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { EnrootError } from '../errors.js';
import { DeflatePool } from './deflate-pool.js';
import { Compression as CompressionId } from './format.js';
import { LEVEL_RANGE, type CompressorName } from './options.js';

export interface Compressor {
  /** The compression id stored in the superblock. */
  readonly id: number;
  compress(data: Uint8Array): Promise<Buffer>;
  decompress(data: Uint8Array): Promise<Buffer>;
  /** Do one queued compression on the calling thread instead of waiting; false when there is none. */
  compressOneHere(): boolean;
  /** Release threads; the compressor is not used after this. */
  close(): Promise<void>;
}

const inflateAsync = promisify(inflate);

/** A block being compressed, which knows when it is done. */
export interface Compression {
  readonly result: Promise<Buffer>;
  done: boolean;
}

export function startCompression(compressor: Compressor, data: Uint8Array): Compression {
  const compression = { result: compressor.compress(data), done: false };
  // Failures surface when the result is awaited; this also keeps Node from calling them unhandled.
  compression.result.then(
    () => (compression.done = true),
    () => (compression.done = true),
  );
  return compression;
}

/** The compressed block; while it is not ready, this thread compresses blocks queued behind it. */
export async function compressionResult(compressor: Compressor, compression: Compression): Promise<Buffer> {
  while (!compression.done && compressor.compressOneHere()) await new Promise((resolve) => setImmediate(resolve));
  return compression.result;
}

/** Squashfs "gzip" is a zlib stream (RFC 1950), not a gzip file. */
function gzipCompressor(level: number, threads: number): Compressor {
  const pool = new DeflatePool(threads, level);
  return {
    id: CompressionId.gzip,
    compress: (data) => pool.compress(data),
    decompress: (data) => inflateAsync(data),
    compressOneHere: () => pool.compressOneHere(),
    close: () => pool.close(),
  };
}

interface ZstdAddon {
  compress(data: Buffer, level?: number): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

function loadZstd(): ZstdAddon {
  try {
    return createRequire(import.meta.url)('@mongodb-js/zstd') as ZstdAddon;
  } catch (err) {
    throw new EnrootError(
      `zstd compression is not available on this system (the @mongodb-js/zstd addon failed to load: ${(err as Error).message}); use -comp gzip in ENROOT_SQUASH_OPTIONS`,
    );
  }
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_SINGLE_SEGMENT = 0x20;

/**
 * The addon compresses as a stream of unknown size, so its frames announce a 2 MiB window, and the kernel
 * refuses frames whose window exceeds max(block size, 8 KiB). No match in a frame can reach back further
 * than its own input, so announcing the smallest window that holds the input (RFC 8878, 3.1.1.1.2) is exact.
 */
function announceInputSizedWindow(frame: Buffer, inputLength: number): Buffer {
  if (frame.length < 6 || frame.readUInt32LE(0) !== ZSTD_MAGIC || (frame[4]! & ZSTD_SINGLE_SEGMENT) !== 0) return frame;
  const windowLog = Math.max(10, Math.ceil(Math.log2(Math.max(1, inputLength))));
  frame[5] = (windowLog - 10) << 3;
  return frame;
}

function zstdCompressor(level: number): Compressor {
  const addon = loadZstd();
  return {
    id: CompressionId.zstd,
    compress: async (data) => announceInputSizedWindow(await addon.compress(asBuffer(data), level), data.length),
    decompress: (data) => addon.decompress(asBuffer(data)),
    compressOneHere: () => false,
    close: async () => undefined,
  };
}

/** `threads`: how many blocks may compress at once. */
export function createCompressor(name: CompressorName, level: number | undefined, threads: number): Compressor {
  const chosen = level ?? LEVEL_RANGE[name].default;
  return name === 'gzip' ? gzipCompressor(chosen, threads) : zstdCompressor(chosen);
}
