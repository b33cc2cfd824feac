// Squashfs 4.0 on-disk constants (all integers little-endian). Sources: the Linux kernel's
// Documentation/filesystems/squashfs.rst and public format write-ups.

export const SUPERBLOCK_SIZE = 96;
export const MAGIC = 0x73717368; // "hsqs"
export const VERSION_MAJOR = 4;
export const VERSION_MINOR = 0;

/** Uncompressed payload of one metadata block; each block on disk starts with a u16 length header. */
export const METADATA_SIZE = 8192;
/** Set in a metadata block header when the block is stored uncompressed. */
export const METADATA_UNCOMPRESSED = 0x8000;
/** Set in a data block or fragment size word when the block is stored uncompressed. */
export const DATA_UNCOMPRESSED = 1 << 24;

export const NO_FRAGMENT = 0xffffffff;
export const NO_XATTR = 0xffffffff;
/** Table start in the superblock for a table that is absent. */
export const ABSENT_TABLE = 0xffffffffffffffffn;
/** Images are padded to this multiple so that loop devices can map them. */
export const DEVICE_BLOCK = 4096;

export const MIN_BLOCK_SIZE = 4096;
export const MAX_BLOCK_SIZE = 1024 * 1024;

export const Compression = { gzip: 1, zstd: 6 } as const;

export const Flag = {
  UncompressedInodes: 0x0001,
  UncompressedData: 0x0002,
  UncompressedFragments: 0x0008,
  NoFragments: 0x0010,
  Duplicates: 0x0040,
  Exportable: 0x0080,
  UncompressedXattrs: 0x0100,
  NoXattrs: 0x0200,
  UncompressedIds: 0x0800,
} as const;

/** Inode types; an extended type is its basic type + 7. Directory entries always carry the basic type. */
export const InodeType = { dir: 1, file: 2, symlink: 3, blockDev: 4, charDev: 5, fifo: 6, socket: 7 } as const;
export type InodeType = (typeof InodeType)[keyof typeof InodeType];

/** What an inode is, by name; the writer and the reader both map it to the basic type number. */
export type InodeKind = 'directory' | 'file' | 'symlink' | 'block' | 'char' | 'fifo' | 'socket';
export const BASIC_INODE_TYPE: Readonly<Record<InodeKind, InodeType>> = {
  directory: InodeType.dir,
  file: InodeType.file,
  symlink: InodeType.symlink,
  block: InodeType.blockDev,
  char: InodeType.charDev,
  fifo: InodeType.fifo,
  socket: InodeType.socket,
};
export const EXTENDED = 7;


/** A directory header covers at most this many entries. */
export const DIR_HEADER_MAX_ENTRIES = 256;
/** Longest file name squashfs can store. */
export const MAX_NAME_LENGTH = 256;

/** Xattr name prefixes squashfs can store, by their type number. */
export const XATTR_PREFIXES: readonly string[] = ['user.', 'trusted.', 'security.'];
/** Set in an xattr key's type when its value is a reference to a value stored elsewhere. */
export const XATTR_VALUE_OUT_OF_LINE = 0x100;
