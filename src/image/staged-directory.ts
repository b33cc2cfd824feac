// A directory built under a temporary sibling name and moved into place only when complete
// (design decision 6). Interrupted by SIGINT or SIGTERM, the half-built directory is removed.
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError, errorText } from '../errors.js';
import { cleanUpOnInterrupt, removeStaleTemporaries, temporarySibling } from '../temporary-files.js';
import { childProcess } from '../lazy-builtins.js';

export class StagedDirectory {
  private finished = false;
  private readonly stopCleanup: () => void;

  private constructor(
    /** Where the result goes. */
    readonly target: string,
    /** Where it is built. */
    readonly path: string,
  ) {
    this.stopCleanup = cleanUpOnInterrupt(() => removeTree(this.path));
  }

  /**
   * A new empty staging directory next to `target` (mode 0700). Staging directories that killed commands
   * left in the same place are removed first.
   */
  static create(target: string): StagedDirectory {
    removeStaleTemporaries(path.dirname(target), removeTree);
    const staging = temporarySibling(target);
    try {
      fs.mkdirSync(staging, { mode: 0o700 });
    } catch (err) {
      throw new EnrootError(`Could not create a directory next to ${target}: ${errorText(err)}`, { cause: err });
    }
    return new StagedDirectory(target, staging);
  }

  /** Moves the finished tree to the target; an existing target is replaced only when `replace` is set. */
  commit(replace: boolean): void {
    const previous = `${this.path}-previous`;
    let movedAside = false;
    try {
      if (fs.existsSync(this.target)) {
        if (!replace) throw new EnrootError(`File already exists: ${this.target}`);
        fs.renameSync(this.target, previous);
        movedAside = true;
      }
      fs.renameSync(this.path, this.target);
    } catch (err) {
      if (movedAside) fs.renameSync(previous, this.target);
      this.discard();
      throw err;
    }
    this.finished = true;
    this.stopCleanup();
    if (movedAside) removeTree(previous);
  }

  /** Removes the staging directory (after a failure). */
  discard(): void {
    if (!this.finished) removeTree(this.path);
    this.finished = true;
    this.stopCleanup();
  }
}

/**
 * rm -rf that also copes with directories the tree made read-only, and (through coreutils, which walk with
 * directory handles) with trees deeper than the longest path the system takes.
 */
export function removeTree(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  } catch {
    // below
  }
  try {
    makeOwnerWritable(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    const run = (program: string, args: string[]): void => {
      childProcess().spawnSync(program, args, { stdio: 'ignore' });
    };
    run('chmod', ['-R', 'u+rwx', '--', dir]);
    run('rm', ['-rf', '--', dir]);
    if (fs.existsSync(dir)) throw new EnrootError(`Could not remove ${dir}: remove it by hand`);
  }
}

function makeOwnerWritable(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return;
  }
  if (!stat.isDirectory()) return;
  fs.chmodSync(dir, (stat.mode & 0o7777) | 0o700);
  for (const name of fs.readdirSync(dir)) makeOwnerWritable(path.join(dir, name));
}
