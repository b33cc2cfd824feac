// Paths inside a container's root filesystem, resolved so that nothing can lead out of it
// (spec 10.5, done with openat2 RESOLVE_IN_ROOT instead of string resolution): absolute
// symlinks restart at the rootfs, `..` stops at its top, and entries are created relative
// to directory handles, never through a path string that a symlink could redirect.
import fs from 'node:fs';
import { closeFd, createFileAt, fdPath, mkdirAt, openInRoot, openInRootWithoutSymlinks, readlinkAt } from '../sys/files.js';
import { SysError } from '../sys/libc.js';

const MAX_SYMLINKS = 40;
const ENOENT = 2;
const ELOOP = 40;

function relative(path: string): string {
  return path.replace(/^\/+/, '');
}

function isMissing(err: unknown): boolean {
  return err instanceof SysError && err.code === 'ENOENT';
}

/** An O_PATH handle on `path` inside the root; SysError (ENOENT...) when it cannot be reached. */
export function openInside(rootFd: number, path: string): number {
  return openInRoot(rootFd, relative(path), `failed to resolve path: ${path}`);
}

/** The handle, or null when the path does not exist inside the root. */
export function openIfPresent(rootFd: number, path: string): number | null {
  try {
    return openInside(rootFd, path);
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/** `action` on the object `path` leads to inside the root, through its handle; null when it cannot be reached. */
function atObjectInside<T>(rootFd: number, path: string, action: (through: string) => T): T | null {
  let fd: number;
  try {
    fd = openInside(rootFd, path);
  } catch (err) {
    if (err instanceof SysError) return null;
    throw err;
  }
  try {
    return action(fdPath(fd));
  } finally {
    closeFd(fd);
  }
}

/** What `stat` says of `path` inside the root (as `test -e`, `-f` and `-d` see it), or null when it cannot be reached. */
export function statInside(rootFd: number, path: string): fs.Stats | null {
  return atObjectInside(rootFd, path, (through) => fs.statSync(through));
}

/** Whether this process may execute `path` inside the root (`test -x`). */
export function isExecutableInside(rootFd: number, path: string): boolean {
  return atObjectInside(rootFd, path, (through) => {
    try {
      fs.accessSync(through, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }) === true;
}

/**
 * Whether no existing component of `path` inside the root is a symlink (nor `..`), so that nothing
 * created or written there can be redirected: the test the shell hooks call hooks::safe_path.
 */
export function isSymlinkFree(rootFd: number, path: string): boolean {
  if (path.split('/').includes('..')) return false;
  try {
    closeFd(openInRootWithoutSymlinks(rootFd, relative(path), path));
    return true;
  } catch (err) {
    // A missing component ends the walk: what would follow it does not exist either.
    if (err instanceof SysError) return err.errno !== ELOOP;
    throw err;
  }
}

/**
 * Creates `path` inside the root when missing: parents as directories (`parentMode`, 0755 unless
 * given, minus umask), the last component as a directory or empty file with mode `mode`. A dangling
 * symlink on the way is created at its destination inside the root.
 */
export function createInside(rootFd: number, path: string, kind: 'dir' | 'file', mode: number, parentMode = 0o755): void {
  create(rootFd, relative(path), kind, mode, parentMode, 0);
}

function create(rootFd: number, path: string, kind: 'dir' | 'file', mode: number, parentMode: number, links: number): void {
  if (links > MAX_SYMLINKS) throw new SysError(`failed to create ${kind === 'dir' ? 'directory' : 'file'}: ${path}`, ELOOP);
  const existing = openIfPresent(rootFd, path);
  if (existing !== null) {
    closeFd(existing);
    return;
  }
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  const name = parts.pop();
  const what = `failed to create ${kind === 'dir' ? 'directory' : 'file'}: /${path}`;
  if (name === undefined || name === '..') throw new SysError(what, ENOENT);
  const parent = parts.join('/');
  create(rootFd, parent, 'dir', parentMode, parentMode, links);
  const parentFd = openInRoot(rootFd, parent, what);
  try {
    if (kind === 'dir') mkdirAt(parentFd, name, mode, what);
    else createFileAt(parentFd, name, mode, what);
  } catch (err) {
    if (!(err instanceof SysError) || err.code !== 'EEXIST') throw err;
    const link = readlinkAt(parentFd, name);
    if (link !== null) create(rootFd, link.startsWith('/') ? relative(link) : `${parent}/${link}`, kind, mode, parentMode, links + 1);
  } finally {
    closeFd(parentFd);
  }
}

/** The content of a regular file inside the root, or null when it is missing or not a regular file. */
export function readFileInside(rootFd: number, path: string, encoding: BufferEncoding = 'utf8'): string | null {
  const fd = openIfPresent(rootFd, path);
  if (fd === null) return null;
  try {
    const through = fdPath(fd);
    return fs.statSync(through).isFile() ? fs.readFileSync(through, encoding) : null;
  } finally {
    closeFd(fd);
  }
}
