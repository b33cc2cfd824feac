// Writer options and the parser for ENROOT_SQUASH_OPTIONS, which keeps mksquashfs's command-line syntax.
import { availableParallelism } from 'node:os';
import { EnrootError } from '../errors.js';
import { MAX_BLOCK_SIZE, MIN_BLOCK_SIZE } from './format.js';

export type CompressorName = 'gzip' | 'zstd';

export interface SquashfsOptions {
  compressor: CompressorName;
  /** Compression level; defaults to mksquashfs's: gzip 9, zstd 15. */
  level?: number;
  /** Data block size in bytes: a power of two from 4 KiB to 1 MiB. */
  blockSize: number;
  compressData: boolean;
  /** Inode and directory tables, and the fragment and export tables. */
  compressInodes: boolean;
  compressIds: boolean;
  compressFragments: boolean;
  compressXattrs: boolean;
  /** Store extended attributes (user.*, trusted.*, security.*; other namespaces are dropped). */
  xattrs: boolean;
  /** Pack file tails smaller than a block into shared fragment blocks. */
  fragments: boolean;
  /** Store identical file contents once. */
  duplicates: boolean;
  /** Write the inode lookup table that lets the kernel export the filesystem over NFS. */
  exportTable: boolean;
  /** Superblock time (SOURCE_DATE_EPOCH); file times later than it are clamped down to it. */
  mkfsTime?: number;
  /** Every inode gets this time (mksquashfs -all-time). */
  allTime?: number;
  /** Every inode is owned by 0:0 (mksquashfs -all-root). */
  allRoot: boolean;
  /** Blocks compressed at once; defaults to the number of CPUs. */
  processors: number;
}

/**
 * mksquashfs's own defaults (gzip, everything compressed): the base an ENROOT_SQUASH_OPTIONS string is read
 * against, as mksquashfs would read it.
 */
export function mksquashfsBaseOptions(): SquashfsOptions {
  return { ...defaultSquashfsOptions(), compressData: true, compressFragments: true };
}

/**
 * enroot's defaults, `-comp gzip -noD -noF`: gzip metadata, uncompressed data blocks and fragments. Fast to
 * write and to read (design decision 2); compressing fragments with gzip took two thirds of an import's CPU.
 */
export function defaultSquashfsOptions(): SquashfsOptions {
  return {
    compressor: 'gzip',
    blockSize: 128 * 1024,
    compressData: false,
    compressInodes: true,
    compressIds: true,
    compressFragments: false,
    compressXattrs: true,
    xattrs: true,
    fragments: true,
    duplicates: true,
    exportTable: true,
    allRoot: false,
    processors: availableParallelism(),
  };
}

export const LEVEL_RANGE: Record<CompressorName, { min: number; max: number; default: number }> = {
  gzip: { min: 1, max: 9, default: 9 },
  zstd: { min: 1, max: 22, default: 15 },
};

/** mksquashfs flags that change nothing in the image we write. */
const IGNORED_FLAGS = new Set([
  '-exit-on-error',
  '-no-progress',
  '-progress',
  '-no-recovery',
  '-quiet',
  '-noappend',
  '-no-exit-on-error',
]);
/** mksquashfs options with one argument that change nothing in the image we write. */
const IGNORED_WITH_ARGUMENT = new Set(['-mem']);

/** Flags that switch one boolean option. */
const SWITCHES: Record<string, Partial<SquashfsOptions>> = {
  '-noD': { compressData: false },
  '-noDataCompression': { compressData: false },
  '-noI': { compressInodes: false, compressIds: false },
  '-noInodeCompression': { compressInodes: false, compressIds: false },
  '-noId': { compressIds: false },
  '-noIdTableCompression': { compressIds: false },
  '-noF': { compressFragments: false },
  '-noFragmentCompression': { compressFragments: false },
  '-noX': { compressXattrs: false },
  '-noXattrCompression': { compressXattrs: false },
  '-no-xattrs': { xattrs: false },
  '-xattrs': { xattrs: true },
  '-no-fragments': { fragments: false },
  '-no-duplicates': { duplicates: false },
  '-no-exports': { exportTable: false },
  '-exports': { exportTable: true },
  '-all-root': { allRoot: true },
  '-root-owned': { allRoot: true },
};

function optionError(message: string): EnrootError {
  return new EnrootError(`ENROOT_SQUASH_OPTIONS: ${message}`);
}

function integerArgument(option: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined) throw optionError(`${option} needs a value`);
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw optionError(`invalid value for ${option}: ${value} (expected an integer from ${min} to ${max})`);
  }
  return Number(value);
}

/** Parse a block size like mksquashfs: bytes, or a number with K or M. */
function parseBlockSize(value: string | undefined): number {
  const match = value === undefined ? null : /^(\d+)([kKmM]?)$/.exec(value);
  const multiplier = match?.[2] ? (match[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024) : 1;
  const size = match ? Number(match[1]) * multiplier : NaN;
  if (!(size >= MIN_BLOCK_SIZE && size <= MAX_BLOCK_SIZE) || (size & (size - 1)) !== 0) {
    throw optionError(`invalid block size for -b: ${value ?? '(missing)'} (use a power of two from 4K to 1M)`);
  }
  return size;
}

/**
 * Apply mksquashfs-style words (e.g. `-comp gzip -Xcompression-level 6 -noD -b 1M`) on top of our defaults.
 * Options the writer does not implement are rejected with an EnrootError naming the option.
 */
export function parseSquashOptions(words: readonly string[], base: SquashfsOptions = defaultSquashfsOptions()): SquashfsOptions {
  const options: SquashfsOptions = { ...base };
  let level: number | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = (): string | undefined => words[++i];
    if (IGNORED_FLAGS.has(word)) continue;
    if (IGNORED_WITH_ARGUMENT.has(word)) {
      if (next() === undefined) throw optionError(`${word} needs a value`);
      continue;
    }
    const switched = SWITCHES[word];
    if (switched) {
      Object.assign(options, switched);
      continue;
    }
    switch (word) {
      case '-comp': {
        const name = next();
        if (name !== 'gzip' && name !== 'zstd') {
          throw optionError(`unsupported compressor for -comp: ${name ?? '(missing)'} (use gzip or zstd)`);
        }
        options.compressor = name;
        break;
      }
      case '-Xcompression-level':
        level = integerArgument(word, next(), 1, 22);
        break;
      case '-b':
        options.blockSize = parseBlockSize(next());
        break;
      case '-processors':
        options.processors = integerArgument(word, next(), 1, 1024);
        break;
      case '-mkfs-time':
        options.mkfsTime = integerArgument(word, next(), 0, 0xffffffff);
        break;
      case '-all-time':
        options.allTime = integerArgument(word, next(), 0, 0xffffffff);
        break;
      default:
        throw optionError(`unsupported option ${word} (our squashfs writer supports -comp gzip|zstd, -Xcompression-level, -b, -noI, -noId, -noD, -noF, -noX, -no-xattrs, -no-fragments, -no-duplicates, -no-exports, -all-root, -processors, -mkfs-time, -all-time)`);
    }
  }
  if (level !== undefined) {
    const range = LEVEL_RANGE[options.compressor];
    if (level < range.min || level > range.max) {
      throw optionError(`invalid -Xcompression-level ${level} for ${options.compressor} (expected ${range.min} to ${range.max})`);
    }
    options.level = level;
  }
  return options;
}
