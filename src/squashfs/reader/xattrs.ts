// The xattr table, read only as far as `unsquashfs -user-xattrs` goes: the user.* names and values of an
// xattr id. Layout: key/value lists in metadata blocks, then the id table (u64 reference to a list, u32
// count, u32 size) behind a header giving the start of the lists.
import { ABSENT_TABLE, Flag, NO_XATTR, XATTR_PREFIXES, XATTR_VALUE_OUT_OF_LINE } from '../format.js';
import type { Superblock } from '../superblock.js';
import type { Decompress } from './decompress.js';
import { ImageFormatError } from './format-error.js';
import type { ImageFile } from './image-file.js';
import { checkInTable, locate, readLookupTable, readMetadataTable, type MetadataTable } from './metadata.js';
import { u64 } from './superblock.js';

export interface UserXattr {
  /** The full name, `user.` included. */
  name: Buffer;
  value: Buffer;
}

const USER_PREFIX = 0;
const ID_ENTRY_SIZE = 16;
const HEADER_SIZE = 16;
/** Linux lists at most 64 KiB of xattr names, so no file has more xattrs than this. */
const MAX_XATTRS = 65535;
const USER = Buffer.from(XATTR_PREFIXES[USER_PREFIX]!);

export class XattrTable {
  private readonly cache = new Map<number, UserXattr[]>();

  private constructor(
    private readonly lists: MetadataTable,
    private readonly ids: Buffer,
  ) {}

  /** The table of an image, or null when it stores no xattrs. */
  static read(image: ImageFile, superblock: Superblock, decompress: Decompress): XattrTable | null {
    if (superblock.xattrIdTableStart === ABSENT_TABLE || superblock.flags & Flag.NoXattrs) return null;
    const at = Number(superblock.xattrIdTableStart);
    const header = image.read(at, HEADER_SIZE, 'the xattr table header');
    const listsStart = u64(header, 0, 'the xattr lists start');
    const count = header.readUInt32LE(8);
    if (count === 0) return null;
    const ids = readLookupTable(image, at + HEADER_SIZE, count, ID_ENTRY_SIZE, decompress, 'xattr id table');
    // The lists end where the first block of the id table begins.
    const idsStart = u64(image.read(at + HEADER_SIZE, 8, 'the xattr id index'), 0, 'the xattr id index');
    if (listsStart >= idsStart) throw new ImageFormatError('the xattr lists are out of place');
    return new XattrTable(readMetadataTable(image, listsStart, idsStart, decompress, 'the xattr lists'), ids);
  }

  /** The user.* xattrs of xattr id `id` (none for NO_XATTR). */
  userXattrs(id: number): UserXattr[] {
    if (id === NO_XATTR) return [];
    let found = this.cache.get(id);
    if (found === undefined) {
      found = this.readList(id);
      this.cache.set(id, found);
    }
    return found;
  }

  private readList(id: number): UserXattr[] {
    if (id * ID_ENTRY_SIZE >= this.ids.length) throw new ImageFormatError(`xattr id ${id} is not in the xattr id table`);
    const what = `the xattr list of id ${id}`;
    const reference = this.ids.readBigUInt64LE(id * ID_ENTRY_SIZE);
    const count = this.ids.readUInt32LE(id * ID_ENTRY_SIZE + 8);
    if (count > MAX_XATTRS) throw new ImageFormatError(`${what} has more xattrs than Linux can hold`);
    let at = this.position(reference, what);
    const bytes = this.lists.bytes;
    const found: UserXattr[] = [];
    for (let i = 0; i < count; i++) {
      checkInTable(this.lists, at, 4, what);
      const type = bytes.readUInt16LE(at);
      const nameLength = bytes.readUInt16LE(at + 2);
      const prefix = type & ~XATTR_VALUE_OUT_OF_LINE;
      if (prefix >= XATTR_PREFIXES.length) throw new ImageFormatError(`${what} has an xattr of unknown type ${type}`);
      checkInTable(this.lists, at + 4, nameLength + 4, what);
      const suffix = bytes.subarray(at + 4, at + 4 + nameLength);
      at += 4 + nameLength;
      let valueAt = at;
      const storedLength = bytes.readUInt32LE(at);
      at += 4 + storedLength;
      if (type & XATTR_VALUE_OUT_OF_LINE) {
        if (storedLength !== 8) throw new ImageFormatError(`${what} has a malformed value reference`);
        checkInTable(this.lists, valueAt + 4, 8, what);
        valueAt = this.position(bytes.readBigUInt64LE(valueAt + 4), what);
        checkInTable(this.lists, valueAt, 4, what);
      }
      const valueLength = bytes.readUInt32LE(valueAt);
      checkInTable(this.lists, valueAt + 4, valueLength, what);
      if (prefix === USER_PREFIX) found.push({ name: Buffer.concat([USER, suffix]), value: Buffer.from(bytes.subarray(valueAt + 4, valueAt + 4 + valueLength)) });
    }
    return found;
  }

  private position(reference: bigint, what: string): number {
    return locate(this.lists, Number(reference >> 16n), Number(reference & 0xffffn), what);
  }
}
