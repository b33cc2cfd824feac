// Hardlinks whose target is not earlier in their own layer: the target is whatever the layers below hold at
// that path, which the top-down merge only meets later. A link waits here until the first lower layer that
// has something at its target path, unless a layer in between removes that path (whiteout, opaque marker,
// or a non-directory replacing a parent), in which case the link is dangling, as it is for tar.

interface PendingLink {
  path: string;
  /** Rank of the layer holding the link. */
  rank: number;
  /** Rank of the first layer that removed the target from what lies below it. */
  blockedAt: number;
}

/** Whether removing `path` (and, when `itself`, the path itself) removes `target`. */
function covers(path: string, itself: boolean, target: string): boolean {
  return (itself && target === path) || path === '' || target.startsWith(`${path}/`);
}

export class PendingLinks {
  private readonly byTarget = new Map<string, PendingLink[]>();

  get size(): number {
    return this.byTarget.size;
  }

  add(target: string, path: string, rank: number): void {
    const links = this.byTarget.get(target) ?? [];
    links.push({ path, rank, blockedAt: Number.POSITIVE_INFINITY });
    this.byTarget.set(target, links);
  }

  /** The links that layer `rank` resolves with its entry at `target`; they are no longer pending. */
  take(target: string, rank: number): string[] {
    const links = this.byTarget.get(target);
    if (links === undefined) return [];
    const taken = links.filter((link) => link.rank < rank && rank <= link.blockedAt);
    const kept = links.filter((link) => !taken.includes(link));
    if (kept.length > 0) this.byTarget.set(target, kept);
    else this.byTarget.delete(target);
    return taken.map((link) => link.path);
  }

  /** Layer `rank` removes `path` (when `itself`) and everything under it from the layers below it. */
  block(path: string, rank: number, itself: boolean): void {
    for (const [target, links] of this.byTarget) {
      if (!covers(path, itself, target)) continue;
      for (const link of links) if (link.rank < rank) link.blockedAt = Math.min(link.blockedAt, rank);
    }
  }

  /** The targets that links of layer `rank` wait for. */
  targetsOf(rank: number): string[] {
    return [...this.byTarget].filter(([, links]) => links.some((link) => link.rank === rank)).map(([target]) => target);
  }

  /** Links of layer `rank` to `target` can never resolve: their own layer has the path (see merge.ts). */
  blockOwn(target: string, rank: number): void {
    for (const link of this.byTarget.get(target) ?? []) if (link.rank === rank) link.blockedAt = rank;
  }

  /** Removes and returns the links that can no longer resolve once layer `rank` is done ([link, target]). */
  takeDangling(rank: number): [string, string][] {
    const dangling: [string, string][] = [];
    for (const [target, links] of this.byTarget) {
      for (const link of links) if (link.blockedAt <= rank) dangling.push([link.path, target]);
      const kept = links.filter((link) => link.blockedAt > rank);
      if (kept.length > 0) this.byTarget.set(target, kept);
      else this.byTarget.delete(target);
    }
    return dangling;
  }

  /** Removes and returns every link still waiting ([link, target]). */
  takeAll(): [string, string][] {
    const all: [string, string][] = [];
    for (const [target, links] of this.byTarget) for (const link of links) all.push([link.path, target]);
    this.byTarget.clear();
    return all;
  }
}
