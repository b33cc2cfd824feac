// Our squashfs 4.0 image writer (design decision 2). The reader, for enroot create, is in reader/.
//
// Options
//   defaultSquashfsOptions()        enroot's defaults: `-comp gzip -noD -noF` (gzip metadata, uncompressed data
//                                   blocks and fragments), 128 KiB blocks, xattrs, fragments, duplicate detection
//                                   and the export table on.
//   mksquashfsBaseOptions()         mksquashfs's own defaults (everything compressed): the base a user's
//                                   ENROOT_SQUASH_OPTIONS string is read against.
//   parseSquashOptions(words)       ENROOT_SQUASH_OPTIONS in mksquashfs syntax on top of the defaults, e.g.
//                                   ['-comp', 'zstd', '-Xcompression-level', '3', '-b', '1M', '-exit-on-error'].
//                                   Unsupported options throw an EnrootError naming the option.
//
// Streaming writer (import)
//   const w = await SquashfsWriter.create(path, options);
//   w.addDirectory(path, meta); await w.addFile(path, meta, size, chunks); w.addSymlink(path, meta, target);
//   w.addHardlink(path, targetPath); w.addDevice(path, meta, 'char' | 'block', major, minor);
//   w.addFifo(path, meta); w.addSocket(path, meta);
//   await w.finish();   // or await w.abort() on failure
//   Paths are relative and '/'-separated ('' is the root). Entries come in any order; missing parents are
//   created as 0755 root:root directories and take their metadata if they are added later. A hardlink's
//   target may come after the link. Await each addFile before adding the next entry; the writer copies
//   what it keeps of a chunk before it asks for the next one, so a producer may reuse its buffers.
//
// Whole trees and atomic output (export)
//   writeTreeImage(sourceDir, outputPath, options, { exclude, readXattrs })
//   writeImageAtomically(outputPath, options, async (writer) => { ...adds... })
//   Both write under a temporary name in the output's directory and rename at the end; on an error, SIGINT
//   or SIGTERM the temporary file is removed.
//
// Times and determinism
//   The same entries in the same order with the same options give byte-identical images when mkfsTime is
//   set (SOURCE_DATE_EPOCH, or -mkfs-time): it becomes the superblock time and the time of implicit
//   directories, and any later file time is clamped down to it (times are also clamped into u32 seconds).
//   -all-time sets every inode's time. Without mkfsTime the superblock gets the current time.
//
// Format notes: data blocks that are all zeros are stored as sparse blocks; file tails are packed into
// fragments (random-looking tails into blocks that are not compressed in vain); identical contents are
// stored once (hashed only when another file has the same size, or when small); extended inodes are used
// only where needed; xattrs outside user./trusted./security. are not stored.
//
// Performance: file data goes out in 8 MiB writes while the next batch is gathered; gzip runs on a pool of
// `processors` worker threads (the main thread helps when it would otherwise wait), zstd on the thread pool
// through the @mongodb-js/zstd addon (prebuilt binaries from the npm registry). Memory: per-entry metadata,
// 16 MiB of output staging, and a few blocks per compressing thread; file data is never held whole.
export { defaultSquashfsOptions, mksquashfsBaseOptions, parseSquashOptions, type SquashfsOptions, type CompressorName } from './options.js';
export { SquashfsWriter, type FileContents } from './writer.js';
export type { EntryMeta } from './tree.js';
export type { Xattrs } from './xattrs.js';
export { writeTreeImage, writeImageAtomically, type TreeImageHooks } from './tree-image.js';
