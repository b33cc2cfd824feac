// Layers: from compressed layer blobs to one merged tree, streamed into a TreeSink (design decision 1).
//
//   await mergeLayers({
//     sink,                                    // a TreeSink: SquashfsWriter as it is, or DirectorySink
//     layers,                                  // [{ mediaType, open(): Readable, description }], base first
//     generated,                               // entries above all layers (src/image/config-layer.ts)
//     ensureDirectories: ['/work'],            // created after the merge where missing (WorkingDir)
//     implicitDirectoryMeta: { mode: 0o755, uid: 0, gid: 0, mtime },
//   });
//
// Decoding: by media type (Docker and OCI), or by the magic bytes when the type names no compression or
// the bytes contradict it: gzip (zlib), zstd (the zstd program, whose exit status is checked), plain tar.
// The next layer is decompressed up to 16 MiB ahead while the current one is merged (gzip on a worker thread).
//
// Tar members: ustar, GNU long names and links, PAX (long names, sizes, uid/gid, fractional mtime,
// SCHILY.xattr.* and LIBARCHIVE.xattr.*), hardlinks, devices and fifos. Ownership and modes are passed
// through as stored (setuid included): the sink or its caller decides what to keep.
//
// Merge rules (OCI layer spec): layers are read top-down; `.wh.NAME` removes NAME from the layers below,
// `.wh..wh..opq` hides everything the layers below put in its directory; an upper non-directory replaces
// a lower directory and the reverse (also a directory implied by an upper entry's path); directories merge,
// the top-most layer that names a directory giving its metadata (directories no layer names get
// implicitDirectoryMeta). Shadowed members are skipped without their data being kept; only per-path
// metadata is held (a few hundred bytes per path). A hardlink keeps the content its target had in its own
// layer's view, even when an upper layer replaced the target: a target skipped earlier in the same layer
// is fetched by reading that layer's blob again (rare), a target in a lower layer is taken when that layer
// is read. Members below `dev/` are left out, as the reference does.
//
// Left out with a warning: names with '..' components (names are otherwise made relative: leading '/' and
// './' removed), entries below a non-directory of their own layer (never followed: a symlink cannot
// redirect a member), a second entry for a path in the same layer (the first wins; tar would keep the
// last), unsupported `.wh..wh.*` markers, GNU sparse members and other exotic member types, hardlinks
// whose target does not exist in their view, binary SCHILY xattr values that are not valid UTF-8
// (tar-stream decodes PAX values as text). Names that are not valid UTF-8 get replacement characters.
export { mergeLayers, type GeneratedEntry, type MergeOptions } from './merge.js';
export { openLayerTar, chooseCompression, compressionOfMediaType, type LayerInput, type LayerCompression } from './decode.js';
export type { TreeSink, EntryMeta, FileData } from './sink.js';
