// The in-memory tree of entries added to an image. Entries arrive in any order: parents that have not
// arrived yet are created implicitly and take their metadata when they do. Hardlinks are resolved at the
// end, because their target may arrive after them.
import { EnrootError } from '../errors.js';
import { MAX_NAME_LENGTH } from './format.js';
import type { Xattrs } from './xattrs.js';

export interface EntryMeta {
  /** Permission bits, including setuid, setgid and sticky; file type bits are ignored. */
  mode: number;
  uid: number;
  gid: number;
  /** Modification time in seconds since the epoch. */
  mtime: number;
  /** Names with their namespace prefix (user., trusted., security.); other namespaces are not stored. */
  xattrs?: Xattrs;
}

/** Where a regular file's contents went. */
export interface StoredFile {
  size: number;
  /** Offset of the first stored block (0 when no block is stored). */
  start: number;
  /** One size word per block: 0 for a sparse (all-zero) block, DATA_UNCOMPRESSED set when stored as is. */
  blocks: number[];
  /** Fragment block holding the tail, or NO_FRAGMENT. */
  fragment: number;
  fragmentOffset: number;
  /** Bytes covered by sparse blocks. */
  sparseBytes: number;
}

export type LeafKind =
  | { type: 'file'; data: StoredFile }
  | { type: 'symlink'; target: Buffer }
  | { type: 'char' | 'block'; major: number; minor: number }
  | { type: 'fifo' | 'socket' };

/** A non-directory inode; hardlinks are several names for one Leaf. */
export interface Leaf {
  kind: LeafKind;
  meta: EntryMeta;
  links: number;
}

export class Directory {
  readonly children = new Map<string, Node>();
  /** False while the directory exists only because something was added below it. */
  explicit = false;
  constructor(public meta: EntryMeta) {}
}

export type Node = Directory | Leaf;

export class FileTree {
  readonly root: Directory;
  private readonly hardlinks: { path: string; target: string }[] = [];

  constructor(private readonly implicitMeta: EntryMeta) {
    this.root = new Directory(implicitMeta);
  }

  addDirectory(path: string, meta: EntryMeta): void {
    const names = splitPath(path);
    if (names.length === 0) return this.claim(this.root, path, meta);
    const [parent, name] = this.parentOf(names, path);
    const existing = parent.children.get(name);
    if (existing === undefined) {
      const directory = new Directory(meta);
      directory.explicit = true;
      parent.children.set(name, directory);
    } else if (existing instanceof Directory) {
      this.claim(existing, path, meta);
    } else {
      throw duplicate(path);
    }
  }

  addLeaf(path: string, leaf: Leaf): void {
    const names = splitPath(path);
    if (names.length === 0) throw new EnrootError(`squashfs entry '${path}': the root of an image must be a directory`);
    const [parent, name] = this.parentOf(names, path);
    if (parent.children.has(name)) throw duplicate(path);
    parent.children.set(name, leaf);
  }

  addHardlink(path: string, target: string): void {
    if (splitPath(path).length === 0) throw new EnrootError(`squashfs entry '${path}': the root of an image cannot be a hardlink`);
    this.hardlinks.push({ path, target });
  }

  /** Give every hardlink its target's inode. */
  resolveHardlinks(): void {
    const pending = new Map(this.hardlinks.map((link) => [splitPath(link.path).join('/'), link]));
    const resolve = (path: string, seen: Set<string>): Leaf => {
      const key = splitPath(path).join('/');
      const link = pending.get(key);
      if (link !== undefined) {
        if (seen.has(key)) throw new EnrootError(`squashfs hardlink '${path}' is part of a cycle of hardlinks`);
        seen.add(key);
        const leaf = resolve(link.target, seen);
        pending.delete(key);
        this.addLeaf(link.path, leaf);
        leaf.links += 1;
        return leaf;
      }
      const node = this.lookup(key);
      if (node === undefined) throw new EnrootError(`squashfs hardlink target '${path}' does not exist in the image`);
      if (node instanceof Directory) throw new EnrootError(`squashfs hardlink target '${path}' is a directory`);
      return node;
    };
    for (const link of this.hardlinks) {
      if (pending.has(splitPath(link.path).join('/'))) resolve(link.path, new Set());
    }
    this.hardlinks.length = 0;
  }

  private lookup(path: string): Node | undefined {
    let node: Node | undefined = this.root;
    for (const name of splitPath(path)) {
      if (!(node instanceof Directory)) return undefined;
      node = node.children.get(name);
    }
    return node;
  }

  private claim(directory: Directory, path: string, meta: EntryMeta): void {
    if (directory.explicit) throw duplicate(path);
    directory.meta = meta;
    directory.explicit = true;
  }

  private parentOf(names: string[], path: string): [Directory, string] {
    let directory = this.root;
    for (const name of names.slice(0, -1)) {
      const child = directory.children.get(name);
      if (child === undefined) {
        const created = new Directory(this.implicitMeta);
        directory.children.set(name, created);
        directory = created;
      } else if (child instanceof Directory) {
        directory = child;
      } else {
        throw new EnrootError(`squashfs entry '${path}': a parent path is not a directory`);
      }
    }
    return [directory, names[names.length - 1]!];
  }
}

function duplicate(path: string): EnrootError {
  return new EnrootError(`squashfs entry '${path}' was added twice`);
}

/** Path components; '' and '.' mean the root. Rejects '..' and names squashfs cannot store. */
function splitPath(path: string): string[] {
  const names = path.split('/').filter((name) => name !== '' && name !== '.');
  for (const name of names) {
    if (name === '..') throw new EnrootError(`squashfs entry '${path}': '..' is not allowed in image paths`);
    if (Buffer.byteLength(name) > MAX_NAME_LENGTH) {
      throw new EnrootError(`squashfs entry '${path}': the name '${name}' is longer than ${MAX_NAME_LENGTH} bytes`);
    }
    if (name.includes('\0')) throw new EnrootError(`squashfs entry '${path}': names cannot contain NUL`);
  }
  return names;
}
