// From the image's tree to the work the extractor's threads share, all in shared memory so that no thread
// copies or decodes it again: the leaves' columns, each inode's later names (hardlinks, made by the thread
// that creates the inode, right after), the number of entries each directory waits for (the thread that
// creates the last one gives the directory its mode and time), and the chunks the threads take, the
// costliest first so that they finish together.
//
// A chunk is a run of the work order, which is the walk's order (one directory after another, so threads
// seldom create entries in the same directory at once, which the kernel serialises), except for files
// with a tail in a compressed fragment block: those come in fragment order, and a block's files are never
// split between chunks, so each block is inflated once. (mksquashfs does not fill fragment blocks
// directory by directory: in tree order a thread would inflate each block several times.)
import { DATA_UNCOMPRESSED, NO_FRAGMENT } from '../squashfs/format.js';
import { fileFragmentAt, fileSizeAt, KINDS, type DirectoryNode, type FragmentTable, type ImageTree } from '../squashfs/reader/index.js';
import { cString } from '../sys/extract-calls.js';

/** What creating one entry costs, in bytes of data copied in the same time (measured on tmpfs). */
const ENTRY_COST = 32 * 1024;
/** Chunks per thread at least, so that the last ones even out the threads' finishing times. */
const CHUNKS_PER_THREAD = 16;

export interface SharedLeaves {
  directory: Uint32Array;
  nameAt: Uint32Array;
  nameLength: Uint16Array;
  inodeAt: Uint32Array;
  type: Uint8Array;
  linkOf: Int32Array;
}

export interface SharedDirectories {
  /** NUL-terminated relative paths ('.' for the root), directory i's at pathAt[i]. */
  paths: SharedArrayBuffer;
  pathAt: Uint32Array;
  /** Position of each directory's inode in the inode table. */
  inodeAt: Uint32Array;
  /** Entries each directory still waits for. */
  pending: Int32Array;
}

export const ChunkKind = { leaves: 0, directories: 1 } as const;

export interface ExtractPlan {
  leaves: SharedLeaves;
  directories: SharedDirectories;
  /** The later names of leaf i are links[firstLink[i], firstLink[i + 1]). */
  firstLink: Uint32Array;
  links: Uint32Array;
  /** The leaves to create (first names, no device nodes), in work order. */
  order: Uint32Array;
  /** Directories that wait for no entry, to be finished at once (their subdirectories exist already). */
  idle: Uint32Array;
  /** Chunks as (kind, start, count): a run of `order`, or of `idle`. */
  chunks: Uint32Array;
  /** Bytes of file data, for progress. */
  totalBytes: number;
  /** Names of device nodes, which are never created. */
  deviceNodes: number;
}

/** `array`'s first `length` elements, copied into shared memory. */
function shared<T extends Uint32Array | Uint16Array | Uint8Array | Int32Array>(array: T, length: number): T {
  const Type = array.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Type(new SharedArrayBuffer(length * array.BYTES_PER_ELEMENT));
  copy.set(array.subarray(0, length) as never);
  return copy;
}

function isDeviceType(type: number): boolean {
  const kind = KINDS[type];
  return kind === 'char' || kind === 'block';
}

interface Chunk {
  kind: number;
  start: number;
  count: number;
  cost: number;
}

export function planExtraction(tree: ImageTree, inodeTable: Buffer, fragments: FragmentTable, threads: number): ExtractPlan {
  const { leaves, directories } = tree;
  const count = leaves.count;
  const pending = new Int32Array(new SharedArrayBuffer(directories.length * 4));
  const linkCounts = new Uint32Array(count);
  const costs = new Float64Array(count);
  const inTreeOrder: number[] = [];
  const inFragmentOrder: number[] = [];
  const compressedFragments = fragments.sizeWords.some((word) => (word & DATA_UNCOMPRESSED) === 0);
  const fragmentOf = new Float64Array(count);
  let totalBytes = 0;
  let deviceNodes = 0;
  for (let i = 0; i < count; i++) {
    // Every name of a device node counts, hardlinks included.
    if (isDeviceType(leaves.type[i]!)) {
      deviceNodes += 1;
      continue;
    }
    pending[leaves.directory[i]!]! += 1;
    const target = leaves.linkOf[i]!;
    if (target >= 0) {
      linkCounts[target]! += 1;
      costs[target]! += ENTRY_COST;
      continue;
    }
    const isFile = KINDS[leaves.type[i]!] === 'file';
    const bytes = isFile ? fileSizeAt(inodeTable, leaves.inodeAt[i]!) : 0;
    totalBytes += bytes;
    costs[i]! += ENTRY_COST + bytes;
    const fragment = isFile && compressedFragments ? fileFragmentAt(inodeTable, leaves.inodeAt[i]!) : NO_FRAGMENT;
    if (fragment === NO_FRAGMENT) inTreeOrder.push(i);
    else {
      fragmentOf[i] = fragment;
      inFragmentOrder.push(i);
    }
  }
  // Sorting is stable, so a block's files keep the walk's order.
  inFragmentOrder.sort((a, b) => fragmentOf[a]! - fragmentOf[b]!);
  const order = Uint32Array.from([...inTreeOrder, ...inFragmentOrder]);
  const totalCost = costs.reduce((sum, cost) => sum + cost, 0);
  const chunkCost = totalCost / (threads * CHUNKS_PER_THREAD);
  const chunks = [
    ...chunksOf(order, 0, inTreeOrder.length, costs, (leaf) => leaves.directory[leaf]!, true, chunkCost),
    ...chunksOf(order, inTreeOrder.length, order.length, costs, (leaf) => fragmentOf[leaf]!, false, chunkCost),
  ].sort((a, b) => b.cost - a.cost);
  const idle = Uint32Array.from(Array.from(pending).flatMap((entries, directory) => (entries === 0 ? [directory] : [])));
  if (idle.length > 0) chunks.push({ kind: ChunkKind.directories, start: 0, count: idle.length, cost: 0 });
  const { firstLink, links } = linkLists(leaves.linkOf, leaves.type, linkCounts, count);
  return {
    leaves: {
      directory: shared(leaves.directory, count),
      nameAt: shared(leaves.nameAt, count),
      nameLength: shared(leaves.nameLength, count),
      inodeAt: shared(leaves.inodeAt, count),
      type: shared(leaves.type, count),
      linkOf: shared(leaves.linkOf, count),
    },
    directories: sharedDirectories(directories, pending),
    firstLink,
    links,
    order: shared(order, order.length),
    idle: shared(idle, idle.length),
    chunks: shared(Uint32Array.from(chunks.flatMap((chunk) => [chunk.kind, chunk.start, chunk.count])), chunks.length * 3),
    totalBytes,
    deviceNodes,
  };
}

/** The directories' paths and inodes in shared memory, with the entries each waits for. */
function sharedDirectories(directories: DirectoryNode[], pending: Int32Array): SharedDirectories {
  const paths = directories.map(({ path }) => cString(path.length === 0 ? '.' : path));
  const bytes = Buffer.from(new SharedArrayBuffer(paths.reduce((sum, path) => sum + path.length, 0)));
  const pathAt = new Uint32Array(new SharedArrayBuffer(directories.length * 4));
  const inodeAt = new Uint32Array(new SharedArrayBuffer(directories.length * 4));
  let at = 0;
  paths.forEach((path, i) => {
    pathAt[i] = at;
    inodeAt[i] = directories[i]!.inode.position;
    at += path.copy(bytes, at);
  });
  return { paths: bytes.buffer as SharedArrayBuffer, pathAt, inodeAt, pending };
}

/**
 * Cuts order[from, to) into chunks of about `chunkCost`, where `groupOf` changes: always (`cutEveryGroup`),
 * or once the chunk is full (then a group is never split).
 */
function chunksOf(order: Uint32Array, from: number, to: number, costs: Float64Array, groupOf: (leaf: number) => number, cutEveryGroup: boolean, chunkCost: number): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Chunk | undefined;
  for (let at = from; at < to; at++) {
    const leaf = order[at]!;
    const newGroup = at === from || groupOf(leaf) !== groupOf(order[at - 1]!);
    const full = current !== undefined && current.cost >= chunkCost;
    if (current === undefined || (newGroup && (cutEveryGroup || full)) || (!newGroup && cutEveryGroup && full)) {
      current = { kind: ChunkKind.leaves, start: at, count: 0, cost: 0 };
      chunks.push(current);
    }
    current.count += 1;
    current.cost += costs[leaf]!;
  }
  return chunks;
}

/** The later names of each leaf, as one list indexed by `firstLink`. */
function linkLists(linkOf: Int32Array, type: Uint8Array, linkCounts: Uint32Array, count: number): { firstLink: Uint32Array; links: Uint32Array } {
  const firstLink = new Uint32Array(new SharedArrayBuffer((count + 1) * 4));
  for (let i = 0; i < count; i++) firstLink[i + 1] = firstLink[i]! + linkCounts[i]!;
  const links = new Uint32Array(new SharedArrayBuffer(firstLink[count]! * 4));
  const next = firstLink.slice(0, count);
  for (let i = 0; i < count; i++) {
    const target = linkOf[i]!;
    if (target >= 0 && !isDeviceType(type[i]!)) links[next[target]!++] = i;
  }
  return { firstLink, links };
}
