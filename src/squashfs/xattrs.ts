// The xattr table: key/value lists in metadata blocks, then an id table of (list reference, count, size).
// Inodes with the same set of xattrs share one id. A value longer than OUT_OF_LINE_MIN that was stored
// before is written as a reference to the earlier copy (an "out-of-line" value).
import type { Compressor } from './compressor.js';
import { XATTR_PREFIXES, XATTR_VALUE_OUT_OF_LINE, NO_XATTR } from './format.js';
import { layOutLookupTable, type LaidOutTable } from './lookup-table.js';
import { MetadataWriter, packRef } from './metadata.js';

const OUT_OF_LINE_MIN = 16;

export type Xattrs = Record<string, Buffer>;

interface SplitName {
  type: number;
  suffix: Buffer;
}

/** The prefix type and the rest of a name, or null for a namespace squashfs cannot store. */
function splitXattrName(name: string): SplitName | null {
  const type = XATTR_PREFIXES.findIndex((prefix) => name.startsWith(prefix) && name.length > prefix.length);
  return type < 0 ? null : { type, suffix: Buffer.from(name.slice(XATTR_PREFIXES[type]!.length)) };
}

export class XattrTable {
  private readonly kv: MetadataWriter;
  private readonly ids = new Map<string, number>();
  private readonly idEntries: Buffer[] = [];
  private readonly valueRefs = new Map<string, bigint>();

  constructor(private readonly compressor: Compressor | null) {
    this.kv = new MetadataWriter(compressor);
  }

  get count(): number {
    return this.idEntries.length;
  }

  /** The id of a set of xattrs (names with their prefix), NO_XATTR when it stores nothing. */
  async idOf(xattrs: Xattrs | undefined): Promise<number> {
    const names = Object.keys(xattrs ?? {})
      .filter((name) => splitXattrName(name) !== null)
      .sort();
    if (!xattrs || names.length === 0) return NO_XATTR;
    const key = names.map((name) => `${name}\0${xattrs[name]!.toString('base64')}`).join('\0');
    const known = this.ids.get(key);
    if (known !== undefined) return known;

    await this.kv.settle();
    const listRef = packRef(this.kv.ref());
    // The size recorded is what listing them takes, as mksquashfs counts it: each full name, a NUL, the value.
    let listedSize = 0;
    for (const name of names) {
      await this.appendPair(splitXattrName(name)!, xattrs[name]!);
      listedSize += Buffer.byteLength(name) + 1 + xattrs[name]!.length;
    }
    const entry = Buffer.allocUnsafe(16);
    entry.writeBigUInt64LE(listRef, 0);
    entry.writeUInt32LE(names.length, 8);
    entry.writeUInt32LE(listedSize, 12);
    const id = this.idEntries.length;
    this.idEntries.push(entry);
    this.ids.set(key, id);
    return id;
  }

  private async appendPair(name: SplitName, value: Buffer): Promise<void> {
    const valueKey = value.length >= OUT_OF_LINE_MIN ? value.toString('latin1') : null;
    const earlier = valueKey === null ? undefined : this.valueRefs.get(valueKey);
    const key = Buffer.allocUnsafe(4);
    key.writeUInt16LE(name.type | (earlier === undefined ? 0 : XATTR_VALUE_OUT_OF_LINE), 0);
    key.writeUInt16LE(name.suffix.length, 2);
    this.kv.append(key);
    this.kv.append(name.suffix);
    if (earlier !== undefined) {
      const reference = Buffer.allocUnsafe(12);
      reference.writeUInt32LE(8, 0);
      reference.writeBigUInt64LE(earlier, 4);
      this.kv.append(reference);
      return;
    }
    if (valueKey !== null) {
      await this.kv.settle();
      this.valueRefs.set(valueKey, packRef(this.kv.ref()));
    }
    const size = Buffer.allocUnsafe(4);
    size.writeUInt32LE(value.length);
    this.kv.append(size);
    this.kv.append(value);
  }

  /** Lay out the key/value blocks at `at`, then the id table; the superblock points at `indexAt`. */
  async layOut(at: number): Promise<LaidOutTable> {
    const kvBlocks = await this.kv.finish();
    const kvBytes = kvBlocks.reduce((sum, block) => sum + block.length, 0);
    const header = Buffer.alloc(16);
    header.writeBigUInt64LE(BigInt(at), 0);
    header.writeUInt32LE(this.idEntries.length, 8);
    const ids = await layOutLookupTable(Buffer.concat(this.idEntries), at + kvBytes, this.compressor, header);
    return { pieces: [...kvBlocks, ...ids.pieces], indexAt: ids.indexAt };
  }
}
