// The top-down streaming merge (design decision 1): the top layer is read first, then each lower one, and
// every member goes to the sink at once or is skipped, so no layer is unpacked anywhere. A member that an
// upper layer shadows, whites out or hides behind an opaque directory is skipped without its data being
// kept. Only per-path metadata is held (MergeTree), so memory does not grow with file sizes.
import { EnrootError, errorText } from '../errors.js';
import { log } from '../log/log.js';
import { describeLayer, openLayerTar, type LayerInput } from './decode.js';
import { MergeTree, type DirectoryNode, type Placement } from './merge-tree.js';
import { entryPathComponents, isUnderDev, roleOfName } from './paths.js';
import { PendingLinks } from './pending-links.js';
import type { EntryMeta, TreeSink } from './sink.js';
import { readLayerMembers, type LayerItem, type LayerMember } from './tar-entries.js';

/** An entry the caller adds above every layer (the generated configuration of section 6). */
export type GeneratedEntry =
  | { path: string; type: 'directory'; meta: EntryMeta }
  | { path: string; type: 'file'; meta: EntryMeta; content: Buffer };

export interface MergeOptions {
  sink: TreeSink;
  /** Layers in manifest order: the base layer first. */
  layers: LayerInput[];
  /** Entries stacked above all layers: they replace the same paths from layers. */
  generated?: GeneratedEntry[];
  /**
   * Directories to create after the layers where they are missing (the WorkingDir): symlinks of the merged
   * tree are followed inside the tree, and only missing components are created.
   */
  ensureDirectories?: string[];
  /** Metadata for directories that no layer describes. */
  implicitDirectoryMeta: EntryMeta;
  warn?: (message: string) => void;
  /** Decompressed bytes of the next layer read ahead while the current one is merged. */
  readAheadBytes?: number;
}

const DEFAULT_READ_AHEAD = 4 * 1024 * 1024;
const REREAD_AHEAD = 64 * 1024;
const MAX_SYMLINK_HOPS = 40;

/** A layer member without its data: what a later hardlink needs to recreate it. */
type MemberShape = Omit<LayerMember, 'data' | 'name'>;

/**
 * One inode of the layer being merged: where its first member is, the member itself while no output path
 * has it (a later hardlink may need to recreate it), and the first output path it was given.
 */
interface Inode {
  index: number;
  shape?: MemberShape;
  outputPath?: string;
}

/** A name that is a hardlink to a path the layers below hold (see PendingLinks). */
interface LowerLink {
  lowerTarget: string;
}

/** A layer opened for reading; `close` stops it early (a layer read ahead but never merged). */
interface OpenedLayer {
  items: AsyncIterable<LayerItem>;
  close(): void;
}

interface LayerSource {
  description: string;
  open(): Promise<OpenedLayer>;
}

/** The non-directory members of the layer being merged, by path. */
type LayerInodes = Map<string, Inode | LowerLink>;

interface Reread {
  index: number;
  path: string;
  shape: MemberShape;
}

/** The member without its data stream, to keep. */
function shapeOf(member: LayerMember): MemberShape {
  const { type, linkname, meta, size, devmajor, devminor } = member;
  return { type, linkname, meta, size, devmajor, devminor };
}

/** `path` is strictly inside `directory` ('' is the root). */
function isBelow(path: string, directory: string): boolean {
  return directory === '' || path.startsWith(`${directory}/`);
}

function isAtOrBelow(path: string, other: string): boolean {
  return path === other || isBelow(path, other);
}

function join(components: string[]): string {
  return components.join('/');
}

function memoryLayer(entries: GeneratedEntry[]): LayerSource {
  async function* items(): AsyncGenerator<LayerItem> {
    for (const entry of entries) {
      const content = entry.type === 'file' ? entry.content : Buffer.alloc(0);
      yield {
        member: {
          name: entry.path, type: entry.type, linkname: '', meta: entry.meta,
          size: content.length, devmajor: 0, devminor: 0, data: [content],
        },
      };
    }
  }
  return { description: 'the generated configuration', open: async () => ({ items: items(), close: () => {} }) };
}

function blobLayer(layer: LayerInput, readAheadBytes: number, warn: (message: string) => void): LayerSource {
  const description = describeLayer(layer);
  const warnXattr = (member: string, names: string[]): void =>
    warn(`${description}: ${member}: extended attributes ${names.join(', ')} have binary values this reader cannot keep; left out`);
  return {
    description,
    open: async () => {
      const tar = await openLayerTar(layer, readAheadBytes);
      // A layer opened ahead may fail (a damaged cached blob) before its turn; the error stays on the stream
      // and is reported when the layer is read, instead of crashing the process as an unhandled event.
      tar.on('error', () => {});
      return { items: readLayerMembers(tar, description, warnXattr), close: () => tar.destroy() };
    },
  };
}

class LayerMerge {
  private readonly tree = new MergeTree();
  private readonly pending = new PendingLinks();
  /** Targets of the symlinks in the merged tree, to create directories through them after the merge. */
  private readonly symlinks = new Map<string, string>();
  private readonly warn: (message: string) => void;

  constructor(private readonly options: MergeOptions) {
    this.warn = options.warn ?? ((message) => log.warn(message));
  }

  async run(): Promise<void> {
    const readAheadBytes = this.options.readAheadBytes ?? DEFAULT_READ_AHEAD;
    const generated = memoryLayer(this.options.generated ?? []);
    const sources: { source: LayerSource; reread: LayerSource }[] = [
      { source: generated, reread: generated },
      ...[...this.options.layers].reverse().map((layer) => ({
        source: blobLayer(layer, readAheadBytes, this.warn),
        reread: blobLayer(layer, REREAD_AHEAD, () => {}), // its warnings were given on the first read
      })),
    ];
    let next: Promise<OpenedLayer> | undefined = sources[0]!.source.open();
    try {
      for (let rank = 0; rank < sources.length; rank += 1) {
        const { source, reread } = sources[rank]!;
        const opened = await next!.catch((err) => { throw this.inLayer(source, err); });
        next = rank + 1 < sources.length ? sources[rank + 1]!.source.open() : undefined;
        next?.catch(() => {}); // reported when its turn comes
        await this.mergeLayer(source, reread, opened.items, rank);
      }
    } finally {
      void next?.then((opened) => opened.close(), () => {});
    }
    for (const [link, target] of this.pending.takeAll()) this.warnDangling(link, target);
    this.createDirectories(this.options.ensureDirectories ?? []);
    for (const path of this.tree.directoriesWithoutMeta()) await this.options.sink.addDirectory(path, this.options.implicitDirectoryMeta);
  }

  /**
   * Errors of our own name their layer already; system errors (ENOSPC from the sink, say) are not the
   * layer's and pass through; others (corrupt data) get the layer's name.
   */
  private inLayer(source: LayerSource, err: unknown): Error {
    if (err instanceof EnrootError || /^E[A-Z]+$/.test(String((err as NodeJS.ErrnoException).code))) return err as Error;
    return new EnrootError(`${source.description}: ${errorText(err)}`, { cause: err });
  }

  private warnDangling(link: string, target: string): void {
    this.warn(`hardlink /${link}: its target /${target} is not in the layers below it; left out`);
  }

  private async mergeLayer(source: LayerSource, reread: LayerSource, items: AsyncIterable<LayerItem>, rank: number): Promise<void> {
    const inodes: LayerInodes = new Map();
    const rereads: Reread[] = [];
    let index = -1;
    try {
      for await (const item of items) {
        index += 1;
        if ('unsupported' in item) {
          this.warn(`${source.description}: ${item.unsupported}; left out`);
          continue;
        }
        await this.mergeMember(source, item.member, rank, index, inodes, rereads);
      }
    } catch (err) {
      throw this.inLayer(source, err);
    }
    await this.checkOwnLayer(reread, rank);
    for (const [link, target] of this.pending.takeDangling(rank)) this.warnDangling(link, target);
    if (rereads.length > 0) await this.rereadFiles(reread, rereads);
  }

  private async mergeMember(
    source: LayerSource, member: LayerMember, rank: number, index: number, inodes: LayerInodes, rereads: Reread[],
  ): Promise<void> {
    const components = entryPathComponents(member.name);
    const leaveOut = (reason: string): void => this.warn(`${source.description}: member '${member.name}' left out: ${reason}`);
    if (!Array.isArray(components)) return leaveOut(components.refused);
    if (isUnderDev(components)) return;
    const report = (placement: Placement): boolean => {
      if (placement.outcome === 'dropped') leaveOut(placement.reason);
      return placement.outcome === 'placed';
    };
    const parent = components.slice(0, -1);
    const role = components.length === 0 ? { role: 'plain' as const } : roleOfName(components[components.length - 1]!);
    switch (role.role) {
      case 'invalid':
        return leaveOut(role.reason);
      case 'opaque':
        report(this.tree.placeOpaque(parent, rank));
        this.pending.block(join(parent), rank, false);
        return;
      case 'whiteout': {
        const target = [...parent, role.target];
        report(this.tree.placeWhiteout(target, rank));
        this.pending.block(join(target), rank, true);
        return;
      }
      case 'plain':
        break;
    }
    const path = join(components);
    if (member.type === 'directory') {
      if (report(this.tree.placeDirectory(components, rank))) await this.options.sink.addDirectory(path, member.meta);
      for (const link of this.pending.size > 0 ? this.pending.take(path, rank) : []) {
        this.warn(`hardlink /${link}: its target /${path} is a directory; left out`);
      }
      return;
    }
    const visible = report(this.tree.placeOther(components, rank));
    if (visible && member.type === 'symlink') this.symlinks.set(path, member.linkname);
    if (this.pending.size > 0) this.pending.block(path, rank, false);
    await this.mergeNonDirectory(source, member, path, visible, rank, index, inodes, rereads);
  }

  /**
   * Gives a non-directory to every name that needs it: its own path when visible, and the hardlinks of
   * upper layers waiting for this path. The first name gets the inode, later ones link to it. A hardlink
   * member stands for the inode of its target (earlier in this layer, or pending in the layers below).
   */
  private async mergeNonDirectory(
    source: LayerSource, member: LayerMember, path: string, visible: boolean, rank: number, index: number,
    inodes: LayerInodes, rereads: Reread[],
  ): Promise<void> {
    let inode: Inode;
    if (member.type === 'link') {
      const target = entryPathComponents(member.linkname);
      if (!Array.isArray(target)) {
        if (visible) this.warn(`${source.description}: hardlink '${member.name}' left out: its target ${target.refused}`);
        return;
      }
      const targetPath = join(target);
      const known = inodes.get(targetPath)
        ?? (this.tree.isOtherOfLayer(target, rank) ? { index: -1, outputPath: targetPath } : { lowerTarget: targetPath });
      inodes.set(path, known);
      if ('lowerTarget' in known) {
        if (visible) this.pending.add(known.lowerTarget, path, rank);
        return;
      }
      inode = known;
    } else {
      inode = { index, shape: member };
    }
    const claimants = visible ? [path] : [];
    if (this.pending.size > 0) claimants.push(...this.pending.take(path, rank));
    for (const claimant of claimants) {
      if (inode.outputPath !== undefined) {
        await this.options.sink.addHardlink(claimant, inode.outputPath);
        continue;
      }
      inode.outputPath = claimant;
      if (inode.shape?.type === 'file' && inode.index !== index) rereads.push({ index: inode.index, path: claimant, shape: inode.shape });
      else await this.emit(claimant, inode.shape!, member.data);
    }
    // A member visible at its own path is found again through the tree; others are remembered here, with
    // the member itself only while no output path has it.
    if (member.type === 'link' || inode.outputPath === path) return;
    if (inode.outputPath !== undefined) delete inode.shape;
    else inode.shape = shapeOf(member);
    inodes.set(path, inode);
  }

  /**
   * Links of layer `rank` waiting for the layers below cannot resolve when their own layer has something at
   * the target path (tar would fail to link to it): a directory (named or implied), an entry after the link,
   * a non-directory above it, a whiteout or opaque marker removing it. Such links are rare, so the layer is
   * read a second time, headers only, to find them.
   */
  private async checkOwnLayer(source: LayerSource, rank: number): Promise<void> {
    const targets = this.pending.targetsOf(rank);
    if (targets.length === 0) return;
    const { items } = await source.open();
    for await (const item of items) {
      if (!('member' in item)) continue;
      const components = entryPathComponents(item.member.name);
      if (!Array.isArray(components) || isUnderDev(components) || components.length === 0) continue;
      const path = join(components);
      const parent = components.slice(0, -1);
      const role = roleOfName(components[components.length - 1]!);
      for (const target of targets) {
        const hasTarget = (role.role === 'plain' && path === target) || isBelow(path, target);
        const removesTarget = role.role === 'whiteout' ? isAtOrBelow(target, join([...parent, role.target]))
          : role.role === 'opaque' ? isBelow(target, join(parent))
            : item.member.type !== 'directory' && isBelow(target, path);
        if (hasTarget || removesTarget) this.pending.blockOwn(target, rank);
      }
    }
  }

  /** Gives the sink a non-directory; `data` is read only for a file. */
  private async emit(path: string, shape: MemberShape, data: LayerMember['data']): Promise<void> {
    const sink = this.options.sink;
    switch (shape.type) {
      case 'file': return sink.addFile(path, shape.meta, shape.size, data);
      case 'symlink': return sink.addSymlink(path, shape.meta, shape.linkname);
      case 'char':
      case 'block': return sink.addDevice(path, shape.meta, shape.type, shape.devmajor, shape.devminor);
      case 'fifo': return sink.addFifo(path, shape.meta);
      default: throw new Error(`cannot emit a ${shape.type} member`);
    }
  }

  /** Files whose data was skipped before a hardlink showed it was needed: read the layer again for them. */
  private async rereadFiles(source: LayerSource, rereads: Reread[]): Promise<void> {
    const wanted = new Map(rereads.map((reread) => [reread.index, reread]));
    let index = -1;
    const { items } = await source.open();
    for await (const item of items) {
      index += 1;
      const reread = wanted.get(index);
      if (reread === undefined || !('member' in item)) continue;
      await this.emit(reread.path, reread.shape, item.member.data);
      wanted.delete(index);
      if (wanted.size === 0) break;
    }
    if (wanted.size > 0) throw new EnrootError(`${source.description}: the layer changed while it was read a second time`);
  }

  /** Creates missing directories after the merge, following the tree's symlinks without leaving it. */
  private createDirectories(paths: string[]): void {
    for (const path of paths) {
      const pending = path.split('/');
      const current: string[] = [];
      const nodes: DirectoryNode[] = [this.tree.root];
      let hops = 0;
      while (pending.length > 0) {
        const name = pending.shift()!;
        if (name === '' || name === '.') continue;
        if (name === '..') {
          if (current.length > 0) {
            current.pop();
            nodes.pop();
          }
          continue;
        }
        const directory = nodes[nodes.length - 1]!;
        const found = this.tree.child(directory, name);
        if (found.type !== 'other') {
          current.push(name);
          nodes.push(found.type === 'directory' ? found.node : this.tree.addDirectoryAfterMerge(directory, name));
          continue;
        }
        const target = this.symlinks.get(join([...current, name]));
        if (target === undefined || (hops += 1) > MAX_SYMLINK_HOPS) {
          this.warn(`cannot create the directory ${path}: /${join([...current, name])} is not a directory`);
          break;
        }
        if (target.startsWith('/')) {
          current.length = 0;
          nodes.length = 1;
        }
        pending.unshift(...target.split('/'));
      }
    }
  }
}

/**
 * Merges `layers` (and the generated entries above them) into `sink`, top layer first, following the OCI
 * layer rules: `.wh.NAME` removes NAME from the layers below, `.wh..wh..opq` hides everything the layers
 * below put in its directory, an upper non-directory replaces a lower directory and the reverse, and
 * directories merge, the top-most layer that has the directory giving its metadata. Members below `dev/`
 * are left out. Ownership is passed through as stored; the sink decides what to keep.
 */
export async function mergeLayers(options: MergeOptions): Promise<void> {
  await new LayerMerge(options).run();
}
