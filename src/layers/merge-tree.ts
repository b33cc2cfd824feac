// What the top-down merge knows about each path: the type the top-most layer gave it and how far down
// lower layers still count there. Layers are ranked from the top (0) downwards; "upper" means a smaller
// rank. Only metadata is kept, and little of it: a directory is a node, anything else is one number in its
// parent's map (hundreds of thousands of files must fit in the memory budget).

const NEVER = Number.POSITIVE_INFINITY;

/** A non-directory of layer `rank` is stored as `rank`, a whiteout of layer `rank` as `-rank - 1`. */
type Leaf = number;

const whiteoutLeaf = (rank: number): Leaf => -rank - 1;
const isWhiteout = (leaf: Leaf): boolean => leaf < 0;
const rankOf = (leaf: Leaf): number => (leaf < 0 ? -leaf - 1 : leaf);

export class DirectoryNode {
  readonly children = new Map<string, DirectoryNode | Leaf>();
  /** Its metadata has been given to the sink. */
  metaGiven = false;
  /** Entries at this path from layers ranked above this are hidden (a whiteout met an upper directory). */
  hiddenBelow = NEVER;
  /** Entries under this path from layers ranked above this are hidden (opaque marker or whiteout). */
  opaqueBelow = NEVER;

  constructor(public rank: number) {}
}

/** The outcome of offering an entry to the tree. */
export type Placement =
  | { outcome: 'hidden' } // an upper layer decided this path: skip silently
  | { outcome: 'dropped'; reason: string } // the entry contradicts its own layer: skip with a warning
  | { outcome: 'placed' };

const HIDDEN = { outcome: 'hidden' } as const;
const PLACED = { outcome: 'placed' } as const;

/** What is at a path after the merge. */
export type Found = { type: 'directory'; node: DirectoryNode } | { type: 'other' } | { type: 'missing' };

export class MergeTree {
  readonly root = new DirectoryNode(NEVER);

  /** A directory of layer `rank` replacing a whiteout of the same layer: lower content stays hidden. */
  private opaqueDirectory(parent: DirectoryNode, name: string, rank: number): DirectoryNode {
    const node = new DirectoryNode(rank);
    node.opaqueBelow = rank;
    node.hiddenBelow = rank;
    parent.children.set(name, node);
    return node;
  }

  /**
   * The parent directory of `components` for an entry of layer `rank`, creating the directories the
   * layer implies; or why the entry does not count.
   */
  private parentFor(components: string[], rank: number): DirectoryNode | Exclude<Placement, typeof PLACED> {
    let node = this.root;
    for (let depth = 0; depth < components.length - 1; depth += 1) {
      if (node.opaqueBelow < rank) return HIDDEN;
      const name = components[depth]!;
      const child = node.children.get(name);
      if (child === undefined) {
        const created = new DirectoryNode(rank);
        node.children.set(name, created);
        node = created;
      } else if (child instanceof DirectoryNode) {
        node = child;
      } else if (rankOf(child) < rank) {
        return HIDDEN;
      } else if (isWhiteout(child)) {
        node = this.opaqueDirectory(node, name, rank);
      } else {
        return { outcome: 'dropped', reason: `'${components.slice(0, depth + 1).join('/')}' is not a directory in the same layer` };
      }
    }
    return node.opaqueBelow < rank ? HIDDEN : node;
  }

  /** Offers a directory entry; `placed` means its metadata is the one to keep. */
  placeDirectory(components: string[], rank: number): Placement {
    if (components.length === 0) return this.claim(this.root, rank);
    const parent = this.parentFor(components, rank);
    if (!(parent instanceof DirectoryNode)) return parent;
    const name = components[components.length - 1]!;
    const existing = parent.children.get(name);
    if (existing === undefined) {
      const node = new DirectoryNode(rank);
      parent.children.set(name, node);
      return this.claim(node, rank);
    }
    if (existing instanceof DirectoryNode) return existing.hiddenBelow < rank ? HIDDEN : this.claim(existing, rank);
    if (rankOf(existing) < rank) return HIDDEN;
    if (!isWhiteout(existing)) return { outcome: 'dropped', reason: 'the same layer has a non-directory there' };
    return this.claim(this.opaqueDirectory(parent, name, rank), rank);
  }

  private claim(node: DirectoryNode, rank: number): Placement {
    if (node.metaGiven) return HIDDEN;
    node.metaGiven = true;
    node.rank = Math.min(node.rank, rank);
    return PLACED;
  }

  /** Offers a non-directory entry (file, link, symlink, device, fifo). */
  placeOther(components: string[], rank: number): Placement {
    if (components.length === 0) return { outcome: 'dropped', reason: 'the root of an image must be a directory' };
    const parent = this.parentFor(components, rank);
    if (!(parent instanceof DirectoryNode)) return parent;
    const name = components[components.length - 1]!;
    const existing = parent.children.get(name);
    if (existing === undefined || (typeof existing === 'number' && isWhiteout(existing) && rankOf(existing) === rank)) {
      parent.children.set(name, rank);
      return PLACED;
    }
    if (existing instanceof DirectoryNode && existing.rank < rank) {
      // The upper directory hides this non-directory, and this non-directory hides what lies below it.
      existing.opaqueBelow = Math.min(existing.opaqueBelow, rank);
      return HIDDEN;
    }
    if (typeof existing === 'number' && rankOf(existing) < rank) return HIDDEN;
    return { outcome: 'dropped', reason: 'the same layer already has an entry there' };
  }

  /** A `.wh.NAME` of layer `rank`: NAME is removed from the layers below it. */
  placeWhiteout(components: string[], rank: number): Placement {
    const parent = this.parentFor(components, rank);
    if (!(parent instanceof DirectoryNode)) return parent;
    const name = components[components.length - 1]!;
    const existing = parent.children.get(name);
    if (existing === undefined) {
      parent.children.set(name, whiteoutLeaf(rank));
    } else if (existing instanceof DirectoryNode) {
      existing.hiddenBelow = Math.min(existing.hiddenBelow, rank);
      existing.opaqueBelow = Math.min(existing.opaqueBelow, rank);
    }
    return PLACED;
  }

  /** A `.wh..wh..opq` of layer `rank` in the directory `components`: its lower content is hidden. */
  placeOpaque(components: string[], rank: number): Placement {
    const directory = this.parentFor([...components, ''], rank);
    if (!(directory instanceof DirectoryNode)) return directory;
    directory.opaqueBelow = Math.min(directory.opaqueBelow, rank);
    return PLACED;
  }

  /** What the merged tree has at `name` in `parent` (a whiteout counts as missing). */
  child(parent: DirectoryNode, name: string): Found {
    const child = parent.children.get(name);
    if (child instanceof DirectoryNode) return { type: 'directory', node: child };
    return child === undefined || isWhiteout(child) ? { type: 'missing' } : { type: 'other' };
  }

  /** Adds a directory below every layer (created after the merge); it gets the implicit metadata. */
  addDirectoryAfterMerge(parent: DirectoryNode, name: string): DirectoryNode {
    const node = new DirectoryNode(NEVER);
    parent.children.set(name, node);
    return node;
  }

  /** Every directory whose metadata no layer gave, parents before children ('' is the root). */
  *directoriesWithoutMeta(): Generator<string> {
    const pending: [string, DirectoryNode][] = [['', this.root]];
    while (pending.length > 0) {
      const [path, node] = pending.pop()!;
      if (!node.metaGiven) yield path;
      for (const [name, child] of node.children) {
        if (child instanceof DirectoryNode) pending.push([path === '' ? name : `${path}/${name}`, child]);
      }
    }
  }

  /** True when the entry at `components` is a non-directory placed by layer `rank` (for same-layer hardlinks). */
  isOtherOfLayer(components: string[], rank: number): boolean {
    let node: DirectoryNode = this.root;
    for (let depth = 0; depth < components.length - 1; depth += 1) {
      const child = node.children.get(components[depth]!);
      if (!(child instanceof DirectoryNode)) return false;
      node = child;
    }
    const leaf = node.children.get(components[components.length - 1]!);
    return typeof leaf === 'number' && leaf === rank;
  }
}
