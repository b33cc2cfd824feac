// A TreeSink that writes a container root filesystem into a directory (enroot load). The tree is built
// under a temporary sibling name and renamed into place at the end (design decision 6); on a failure,
// SIGINT or SIGTERM the temporary tree is removed.
//
// Confinement: every path is checked to be made of plain components, and every parent directory must be
// one this sink created itself in its private (0700) temporary tree, so nothing is ever created through a
// symlink, whatever names the layers hold; files are opened with O_CREAT|O_EXCL|O_NOFOLLOW, and hardlink
// targets are confined the same way (link(2) does not follow a symlink target).
//
// What is kept: as real root, the stored ownership; otherwise everything belongs to the caller. Modes are
// those of containerMode (setuid/setgid cleared, fixperms), applied as entries are written (directories at
// the end, after their contents). Device nodes are created only as real root (others cannot); they are
// left out with one warning otherwise. Extended attributes are not written: Node has no xattr call, and
// the reference's load does not keep them either.
//
// Entries are written with synchronous calls: each is a few syscalls, and a round trip through libuv's
// thread pool per call costs more than the call itself (20x slower on trees of small files).
import { execFile } from 'node:child_process';
import {
  chmodSync, chownSync, closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lutimesSync,
  mkdirSync, openSync, symlinkSync, utimesSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnrootError } from '../errors.js';
import { StagedDirectory } from './staged-directory.js';
import { log } from '../log/log.js';
import type { EntryMeta, FileData, TreeSink } from '../layers/sink.js';
import { containerMode } from './fixperms.js';

const run = promisify(execFile);
const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const WORKING_DIRECTORY_MODE = 0o700;

export interface DirectorySinkOptions {
  /** Keep the stored ownership; the default is to do so only as real root. */
  keepOwnership?: boolean;
  warn?: (message: string) => void;
}

/** Checks that `path` is relative and normalised; returns its components ([] for the root). */
function components(path: string): string[] {
  if (path === '') return [];
  const names = path.split('/');
  if (names.some((name) => name === '' || name === '.' || name === '..')) {
    throw new EnrootError(`refusing to write '${path}': not a normalised path inside the root filesystem`);
  }
  return names;
}

function parentOf(names: string[]): string {
  return names.slice(0, -1).join('/');
}

/** The kernel's overflow id, for layer ids a host cannot represent (tar allows ids beyond 32 bits). */
const OVERFLOW_ID = 65534;
const MAX_HOST_ID = 0xfffffffe;

function hostId(id: number): number {
  return Number.isInteger(id) && id >= 0 && id <= MAX_HOST_ID ? id : OVERFLOW_ID;
}

export class DirectorySink implements TreeSink {
  /** Every directory created here, with the metadata it is to get at the end. */
  private readonly directories = new Map<string, EntryMeta | undefined>([['', undefined]]);
  private readonly hardlinks: [string, string][] = [];
  private devicesLeftOut = 0;
  private readonly keepOwnership: boolean;
  private readonly warn: (message: string) => void;
  private done = false;

  private readonly root: string;

  private constructor(private readonly staged: StagedDirectory, options: DirectorySinkOptions) {
    this.root = staged.path;
    this.keepOwnership = options.keepOwnership ?? process.getuid?.() === 0;
    this.warn = options.warn ?? ((message) => log.warn(message));
  }

  /** Starts a tree that `finish` will move to `target` (an absolute path whose parent exists). */
  static async create(target: string, options: DirectorySinkOptions = {}): Promise<DirectorySink> {
    return new DirectorySink(StagedDirectory.create(target), options);
  }

  /** New entries belong to this process (no directory here is setgid while the tree is built). */
  private needsChown(meta: EntryMeta): boolean {
    return this.keepOwnership && (meta.uid !== process.geteuid?.() || meta.gid !== process.getegid?.());
  }

  /** The temporary directory the tree is built in. */
  get temporaryPath(): string {
    return this.root;
  }


  private absolute(names: string[]): string {
    return join(this.root, ...names);
  }

  /** Makes sure every parent of `names` is a directory created here, creating the missing ones. */
  private prepareParents(names: string[]): void {
    if (names.length < 2 || this.directories.has(parentOf(names))) return;
    for (let depth = 1; depth < names.length; depth += 1) {
      const prefix = names.slice(0, depth);
      const key = prefix.join('/');
      if (this.directories.has(key)) continue;
      this.makeDirectory(prefix, key);
    }
  }

  private makeDirectory(names: string[], key: string): void {
    try {
      mkdirSync(this.absolute(names), WORKING_DIRECTORY_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new EnrootError(`refusing to write below /${key}: it is not a directory in the root filesystem`);
      }
      throw err;
    }
    this.directories.set(key, undefined);
  }

  async addDirectory(path: string, meta: EntryMeta): Promise<void> {
    const names = components(path);
    if (!this.directories.has(path)) {
      this.prepareParents(names);
      this.makeDirectory(names, path);
    }
    this.directories.set(path, meta);
  }

  async addFile(path: string, meta: EntryMeta, size: number, data: FileData): Promise<void> {
    const names = components(path);
    this.prepareParents(names);
    const fd = openSync(this.absolute(names), CREATE_FILE, 0o600);
    try {
      let written = 0;
      for await (const chunk of data) {
        for (let offset = 0; offset < chunk.length;) offset += writeSync(fd, chunk, offset);
        written += chunk.length;
      }
      if (written !== size) throw new EnrootError(`/${path}: ${written} bytes were given for a file of ${size} bytes`);
      if (this.needsChown(meta)) fchownSync(fd, hostId(meta.uid), hostId(meta.gid));
      fchmodSync(fd, containerMode(meta.mode, false));
      futimesSync(fd, meta.mtime, meta.mtime);
    } finally {
      closeSync(fd);
    }
  }

  async addSymlink(path: string, meta: EntryMeta, target: string): Promise<void> {
    const names = components(path);
    this.prepareParents(names);
    const where = this.absolute(names);
    symlinkSync(target, where);
    if (this.needsChown(meta)) lchownSync(where, hostId(meta.uid), hostId(meta.gid));
    lutimesSync(where, meta.mtime, meta.mtime);
  }

  async addHardlink(path: string, targetPath: string): Promise<void> {
    components(path);
    components(targetPath);
    this.hardlinks.push([path, targetPath]);
  }

  /**
   * Device nodes are never created: the merge already leaves out dev/, so any device here would sit on the
   * host filesystem outside /dev, giving raw access to memory or disks to whoever reaches the directory.
   */
  async addDevice(_path: string, _meta: EntryMeta, _type: 'char' | 'block', _major: number, _minor: number): Promise<void> {
    this.devicesLeftOut += 1;
  }

  async addFifo(path: string, meta: EntryMeta): Promise<void> {
    await this.makeNode(path, meta, ['p']);
  }

  /** Node has no mknod or mkfifo; these entries are rare, so the mknod program does it. */
  private async makeNode(path: string, meta: EntryMeta, kind: string[]): Promise<void> {
    const names = components(path);
    this.prepareParents(names);
    const where = this.absolute(names);
    await run('mknod', ['-m', '600', '--', where, ...kind]);
    if (this.keepOwnership) lchownSync(where, hostId(meta.uid), hostId(meta.gid));
    chmodSync(where, containerMode(meta.mode, false));
    utimesSync(where, meta.mtime, meta.mtime);
  }

  private linkAll(): void {
    for (const [path, targetPath] of this.hardlinks) {
      const names = components(path);
      const target = components(targetPath);
      if (!this.directories.has(parentOf(target))) {
        throw new EnrootError(`refusing to link /${path} to /${targetPath}: its parent is not a directory in the root filesystem`);
      }
      this.prepareParents(names);
      linkSync(this.absolute(target), this.absolute(names));
    }
  }

  /** Directory metadata, deepest first so that setting a mode or time never disturbs a parent's. */
  private finishDirectories(): void {
    const paths = [...this.directories.keys()].sort((a, b) => b.split('/').length - a.split('/').length || (b.length - a.length));
    for (const path of paths) {
      const meta = this.directories.get(path) ?? { mode: 0o755, uid: 0, gid: 0, mtime: Date.now() / 1000 };
      const where = this.absolute(components(path));
      if (this.keepOwnership) chownSync(where, hostId(meta.uid), hostId(meta.gid));
      chmodSync(where, containerMode(meta.mode, true));
      utimesSync(where, meta.mtime, meta.mtime);
    }
  }

  /**
   * Completes the tree and moves it to the target. An existing target is an error unless `replace`, in
   * which case it is removed only once the new tree is in place.
   */
  async finish(options: { replace?: boolean } = {}): Promise<void> {
    if (this.done) throw new Error('DirectorySink.finish called twice');
    this.done = true;
    try {
      this.linkAll();
      this.finishDirectories();
    } catch (err) {
      this.staged.discard();
      throw err;
    }
    this.staged.commit(options.replace === true);
    if (this.devicesLeftOut > 0) {
      this.warn(`${this.devicesLeftOut} device node(s) left out of ${this.staged.target}: device nodes outside /dev are not created on the host`);
    }
  }

  /** Removes the temporary tree. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.staged.discard();
  }
}
