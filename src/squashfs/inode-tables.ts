// Walks the finished tree and writes the inode and directory tables. Children come before their directory
// (a listing needs its children's inode references, a directory inode needs its listing's place), so inode
// numbers are given in that same post-order first: a directory inode also names its parent's number.
import { writeListing, type ListingEntry } from './directories.js';
import { BASIC_INODE_TYPE, InodeType, NO_XATTR } from './format.js';
import type { IdTable } from './ids.js';
import {
  encodeDeviceInode,
  encodeDirectoryInode,
  encodeFileInode,
  encodeIpcInode,
  encodeSymlinkInode,
  type InodeCommon,
} from './inodes.js';
import { MetadataWriter, packRef, type MetadataRef } from './metadata.js';
import { Directory, type EntryMeta, type Leaf, type Node } from './tree.js';
import type { XattrTable } from './xattrs.js';

export interface InodeTables {
  inodeBlocks: Buffer[];
  directoryBlocks: Buffer[];
  rootInode: MetadataRef;
  inodeCount: number;
  /** The export table's entries: each inode's reference, by inode number. */
  exportEntries: Buffer;
}

export interface InodeOwnership {
  ids: IdTable;
  /** Null when xattrs are not stored. */
  xattrs: XattrTable | null;
  /** Maps a stored mtime to the one written (clamping). */
  time: (mtime: number) => number;
  uid: (uid: number) => number;
  gid: (gid: number) => number;
}

interface Child {
  name: Buffer;
  node: Node;
}


export async function writeInodeTables(root: Directory, owners: InodeOwnership, inodes: MetadataWriter, directories: MetadataWriter): Promise<InodeTables> {
  const children = new Map<Directory, Child[]>();
  const numbers = new Map<Node, number>();
  const sortedChildren = (directory: Directory): Child[] => {
    let list = children.get(directory);
    if (list === undefined) {
      list = [...directory.children].map(([name, node]) => ({ name: Buffer.from(name), node }));
      list.sort((a, b) => Buffer.compare(a.name, b.name));
      children.set(directory, list);
    }
    return list;
  };
  const assignNumbers = (directory: Directory): void => {
    for (const { node } of sortedChildren(directory)) {
      if (node instanceof Directory) assignNumbers(node);
      else if (!numbers.has(node)) numbers.set(node, numbers.size + 1);
    }
    numbers.set(directory, numbers.size + 1);
  };
  assignNumbers(root);
  const inodeCount = numbers.size;

  const refs = new Map<Node, MetadataRef>();
  const exportEntries = Buffer.alloc(inodeCount * 8);
  const common = async (node: Node, type: InodeType, meta: EntryMeta, links: number): Promise<InodeCommon> => ({
    type,
    mode: meta.mode,
    uidIndex: owners.ids.indexOf(owners.uid(meta.uid)),
    gidIndex: owners.ids.indexOf(owners.gid(meta.gid)),
    mtime: owners.time(meta.mtime),
    number: numbers.get(node)!,
    links,
    xattr: owners.xattrs ? await owners.xattrs.idOf(meta.xattrs) : NO_XATTR,
  });
  const store = async (node: Node, encoded: Buffer): Promise<MetadataRef> => {
    await inodes.settle();
    const ref = inodes.ref();
    inodes.append(encoded);
    refs.set(node, ref);
    exportEntries.writeBigUInt64LE(packRef(ref), (numbers.get(node)! - 1) * 8);
    return ref;
  };
  const writeLeaf = async (leaf: Leaf): Promise<void> => {
    const { kind } = leaf;
    const fields = await common(leaf, BASIC_INODE_TYPE[kind.type], leaf.meta, leaf.links);
    switch (kind.type) {
      case 'file':
        await store(leaf, encodeFileInode(fields, kind.data));
        break;
      case 'symlink':
        await store(leaf, encodeSymlinkInode(fields, kind.target));
        break;
      case 'char':
      case 'block':
        await store(leaf, encodeDeviceInode(fields, kind.major, kind.minor));
        break;
      default:
        await store(leaf, encodeIpcInode(fields));
    }
  };
  const writeDirectory = async (directory: Directory, parentNumber: number): Promise<MetadataRef> => {
    const listing: ListingEntry[] = [];
    let subdirectories = 0;
    const ownNumber = numbers.get(directory)!;
    for (const { name, node } of sortedChildren(directory)) {
      let type: InodeType;
      if (node instanceof Directory) {
        await writeDirectory(node, ownNumber);
        subdirectories += 1;
        type = InodeType.dir;
      } else {
        if (!refs.has(node)) await writeLeaf(node);
        type = BASIC_INODE_TYPE[node.kind.type];
      }
      listing.push({ name, inode: refs.get(node)!, number: numbers.get(node)!, type });
    }
    children.delete(directory);
    const place = await writeListing(directories, listing);
    place.parent = parentNumber;
    const fields = await common(directory, InodeType.dir, directory.meta, 2 + subdirectories);
    return store(directory, encodeDirectoryInode(fields, place));
  };

  const rootInode = await writeDirectory(root, inodeCount + 1);
  return {
    inodeBlocks: await inodes.finish(),
    directoryBlocks: await directories.finish(),
    rootInode,
    inodeCount,
    exportEntries,
  };
}
