// Block compressors. Both run off the main thread (zlib on libuv's pool, zstd in its addon's pool), so
// several blocks compress in parallel while the writer goes on reading input.
import { createRequire } from 'node:module';
import { deflate, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { EnrootError } from '../errors.js';
import { Compression } from './format.js';
import { LEVEL_RANGE, type CompressorName } from './options.js';

export interface Compressor {
  /** The compression id stored in the superblock. */
  readonly id: number;
  compress(data: Uint8Array): Promise<Buffer>;
  decompress(data: Uint8Array): Promise<Buffer>;
}

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/** Squashfs "gzip" is a zlib stream (RFC 1950), not a gzip file. */
function gzipCompressor(level: number): Compressor {
  return {
    id: Compression.gzip,
    compress: (data) => deflateAsync(data, { level }),
    decompress: (data) => inflateAsync(data),
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
    id: Compression.zstd,
    compress: async (data) => announceInputSizedWindow(await addon.compress(asBuffer(data), level), data.length),
    decompress: (data) => addon.decompress(asBuffer(data)),
  };
}

export function createCompressor(name: CompressorName, level?: number): Compressor {
  const chosen = level ?? LEVEL_RANGE[name].default;
  return name === 'gzip' ? gzipCompressor(chosen) : zstdCompressor(chosen);
}
