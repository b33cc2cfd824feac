// The id table: every distinct uid and gid once; inodes refer to them by a u16 index.
import { EnrootError } from '../errors.js';

const MAX_IDS = 65536;

export class IdTable {
  private readonly indexes = new Map<number, number>();
  private readonly ids: number[] = [];

  indexOf(id: number): number {
    let index = this.indexes.get(id);
    if (index === undefined) {
      if (this.ids.length === MAX_IDS) throw new EnrootError(`squashfs image has more than ${MAX_IDS} distinct uids and gids; use -all-root`);
      index = this.ids.length;
      this.ids.push(id);
      this.indexes.set(id, index);
    }
    return index;
  }

  get count(): number {
    return this.ids.length;
  }

  entries(): Buffer {
    const buffer = Buffer.allocUnsafe(this.ids.length * 4);
    this.ids.forEach((id, i) => buffer.writeUInt32LE(id, i * 4));
    return buffer;
  }
}
