// Directory listings: headers (entry count, inode block, base inode number), each followed by up to 256
// entries (offset of the inode in that block, inode number difference, basic type, name). Names are where
// a hostile image would try to escape, so each is checked here: never `.` or `..`, never holding `/` or
// NUL, never twice in one directory. Entries are visited in place, without an object per entry.
import { DIR_HEADER_MAX_ENTRIES, METADATA_SIZE, MAX_NAME_LENGTH } from '../format.js';
import { ImageFormatError } from './format-error.js';
import { checkInTable, locate, type MetadataTable } from './metadata.js';

/** Called for each entry: its name is `table.bytes[nameAt, nameAt + nameLength)`. */
export type EntryVisitor = (nameAt: number, nameLength: number, inodeBlock: number, inodeOffset: number, type: number) => void;

const SLASH = 0x2f;
const DOT = 0x2e;

const printable = (bytes: Buffer, at: number, length: number): string => JSON.stringify(bytes.toString('utf8', at, at + length));

function checkName(bytes: Buffer, at: number, length: number, what: string): void {
  if (bytes[at] === DOT && (length === 1 || (length === 2 && bytes[at + 1] === DOT))) {
    throw new ImageFormatError(`${what} has an entry named ${printable(bytes, at, length)}`);
  }
  for (let i = at; i < at + length; i++) {
    const byte = bytes[i];
    if (byte === SLASH || byte === 0) throw new ImageFormatError(`${what} has an entry name with a ${byte === 0 ? 'NUL byte' : 'slash'}: ${printable(bytes, at, length)}`);
  }
}

/** Byte order of two names, as mksquashfs sorts them. */
function compareNames(bytes: Buffer, a: number, aLength: number, b: number, bLength: number): number {
  const common = Math.min(aLength, bLength);
  for (let i = 0; i < common; i++) {
    const difference = bytes[a + i]! - bytes[b + i]!;
    if (difference !== 0) return difference;
  }
  return aLength - bLength;
}

/** Visits the entries of the listing of `size` bytes at (block, offset) of the directory table. */
export function readListing(table: MetadataTable, block: number, offset: number, size: number, what: string, visit: EntryVisitor): void {
  if (size === 0) return;
  const bytes = table.bytes;
  let at = locate(table, block, offset, `the listing of ${what}`);
  const end = at + size;
  checkInTable(table, at, size, `the listing of ${what}`);
  const need = (length: number): void => {
    if (at + length > end) throw new ImageFormatError(`the listing of ${what} is cut short`);
  };
  // Listings are sorted, which makes a duplicate the same as its predecessor; once a name comes out of
  // order, every name is checked against all the earlier ones.
  const earlier: number[] = [];
  let seen: Set<string> | undefined;
  while (at < end) {
    need(12);
    const count = bytes.readUInt32LE(at) + 1;
    const inodeBlock = bytes.readUInt32LE(at + 4);
    if (count > DIR_HEADER_MAX_ENTRIES) throw new ImageFormatError(`the listing of ${what} has a header of ${count} entries`);
    at += 12;
    for (let i = 0; i < count; i++) {
      need(8);
      const inodeOffset = bytes.readUInt16LE(at);
      const type = bytes.readUInt16LE(at + 4);
      const nameLength = bytes.readUInt16LE(at + 6) + 1;
      if (inodeOffset >= METADATA_SIZE || nameLength > MAX_NAME_LENGTH) throw new ImageFormatError(`the listing of ${what} has a malformed entry`);
      at += 8;
      need(nameLength);
      checkName(bytes, at, nameLength, what);
      const previous = earlier.length - 2;
      if (seen === undefined && previous >= 0 && compareNames(bytes, at, nameLength, earlier[previous]!, earlier[previous + 1]!) <= 0) {
        seen = new Set();
        for (let k = 0; k < earlier.length; k += 2) seen.add(bytes.toString('latin1', earlier[k], earlier[k]! + earlier[k + 1]!));
      }
      if (seen !== undefined) {
        const key = bytes.toString('latin1', at, at + nameLength);
        if (seen.has(key)) throw new ImageFormatError(`${what} has two entries named ${printable(bytes, at, nameLength)}`);
        seen.add(key);
      }
      earlier.push(at, nameLength);
      visit(at, nameLength, inodeBlock, inodeOffset, type);
      at += nameLength;
    }
  }
}
