// Block decompression for the reader. Squashfs "gzip" blocks are zlib streams (RFC 1950); the other
// compressors are not supported by our reader (enroot create falls back to unsquashfs for them).
import { inflateSync } from 'node:zlib';
import { Compression } from '../format.js';
import { ImageFormatError } from './format-error.js';

/** Inflates one block, which must come out at no more than `maxLength` bytes. */
export type Decompress = (stored: Uint8Array, maxLength: number) => Buffer;

const COMPRESSOR_NAMES: Record<number, string> = { 1: 'gzip', 2: 'lzma', 3: 'lzo', 4: 'xz', 5: 'lz4', 6: 'zstd' };

function compressorName(id: number): string {
  return COMPRESSOR_NAMES[id] ?? `compressor ${id}`;
}

function inflateBlock(stored: Uint8Array, maxLength: number): Buffer {
  try {
    // One output chunk of the largest allowed size: no concatenation, and a bomb stops at maxLength.
    return inflateSync(stored, { chunkSize: Math.max(64, maxLength), maxOutputLength: maxLength });
  } catch {
    throw new ImageFormatError(`a gzip block does not inflate to at most ${maxLength} bytes`);
  }
}

/** The decompressor for the superblock's compression id; compressed blocks of other compressors fail. */
export function blockDecompressor(compressionId: number): Decompress {
  if (compressionId === Compression.gzip) return inflateBlock;
  return () => {
    throw new ImageFormatError(`${compressorName(compressionId)} compression is not supported by our reader`);
  };
}
