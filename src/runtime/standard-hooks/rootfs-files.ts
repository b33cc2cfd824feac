// What the standard hooks' scripts did with printf >, mv, ln -sfn, mkdir -p, cp, cp -R and touch,
// done through handles resolved inside the rootfs: each entry is created or replaced in a directory
// reached by openat2 RESOLVE_IN_ROOT, and never through a symlink in its own name (O_NOFOLLOW).
import fs from 'node:fs';
import path from 'node:path';
import { closeFd, fdPath } from '../../sys/files.js';
import { SysError } from '../../sys/libc.js';
import { createInside, openInside } from '../root-paths.js';

const { O_WRONLY, O_RDONLY, O_CREAT, O_EXCL, O_TRUNC, O_NOFOLLOW, O_DIRECTORY } = fs.constants;

/** A failing Node file call as a SysError naming the container path instead of a /proc/self/fd path. */
function attempt<T>(what: string, action: () => T): T {
  try {
    return action();
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).errno;
    if (err instanceof SysError || typeof errno !== 'number') throw err;
    throw new SysError(what, Math.abs(errno));
  }
}

/** Runs `action` with the directory of `file` (inside the root) as a /proc/self/fd path, and the file's name. */
function inParent<T>(rootFd: number, file: string, action: (dir: string, name: string) => T): T {
  const dirFd = openInside(rootFd, path.posix.dirname(file));
  try {
    return action(fdPath(dirFd), path.posix.basename(file));
  } finally {
    closeFd(dirFd);
  }
}

function writeNew(file: string, data: string | Buffer, flags: number, mode: number): number {
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_NOFOLLOW | flags, mode);
  try {
    fs.writeFileSync(fd, data);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
}

/** `printf ... > FILE`: creates the file (`mode` minus umask) or truncates it, then writes `data`. */
export function writeFileInside(rootFd: number, file: string, data: string | Buffer, mode = 0o666): void {
  attempt(`cannot write ${file}`, () => inParent(rootFd, file, (dir, name) => fs.closeSync(writeNew(`${dir}/${name}`, data, O_TRUNC, mode))));
}

/**
 * Makes `FILE.enroot` with `make`, then renames it over FILE (`mv -f`): readers see the old entry or
 * the new one. A stale temporary, even a symlink, is removed first, never followed.
 */
function replaceInside(rootFd: number, file: string, what: string, make: (temporary: string) => void): void {
  attempt(what, () =>
    inParent(rootFd, file, (dir, name) => {
      const temporary = `${dir}/${name}.enroot`;
      fs.rmSync(temporary, { force: true });
      make(temporary);
      fs.renameSync(temporary, `${dir}/${name}`);
    }),
  );
}

/** Replaces FILE by a new file of exactly `mode`, whatever the umask. */
export function replaceFileInside(rootFd: number, file: string, data: string | Buffer, mode: number): void {
  replaceInside(rootFd, file, `cannot replace ${file}`, (temporary) => {
    const fd = writeNew(temporary, data, O_EXCL, mode);
    try {
      fs.fchmodSync(fd, mode);
    } finally {
      fs.closeSync(fd);
    }
  });
}

/** `ln -sfn TARGET LINK`, atomically. */
export function replaceWithSymlink(rootFd: number, link: string, target: string): void {
  replaceInside(rootFd, link, `cannot create the symlink ${link}`, (temporary) => fs.symlinkSync(target, temporary));
}

/** `mkdir -p DIR`: every missing directory with mode 0777 minus umask. */
export function makeDirectories(rootFd: number, dir: string): void {
  createInside(rootFd, dir, 'dir', 0o777, 0o777);
}

/** Runs `action` with the process umask set to `mask`, as `(umask MASK && ...)` in a script. */
export function withUmask<T>(mask: number, action: () => T): T {
  const previous = process.umask(mask);
  try {
    return action();
  } finally {
    process.umask(previous);
  }
}

/** Runs `action` on a directory opened without following a symlink in its name, as a /proc/self/fd path. */
function inDirectory(dir: string, action: (opened: string) => void): void {
  const fd = fs.openSync(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  try {
    action(fdPath(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies the entries of one directory into another as `cp -R` does: modes minus umask, symlinks as symlinks. */
function copyEntries(from: string, to: string): void {
  for (const name of fs.readdirSync(from)) {
    const [source, target] = [`${from}/${name}`, `${to}/${name}`];
    const stat = fs.lstatSync(source);
    if (stat.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(source), target);
    } else if (stat.isFile()) {
      const fd = fs.openSync(source, O_RDONLY | O_NOFOLLOW);
      try {
        fs.closeSync(writeNew(target, fs.readFileSync(fd), O_EXCL, stat.mode & 0o7777));
      } finally {
        fs.closeSync(fd);
      }
    } else if (stat.isDirectory()) {
      fs.mkdirSync(target, stat.mode & 0o7777);
      inDirectory(source, (childFrom) => inDirectory(target, (childTo) => copyEntries(childFrom, childTo)));
    }
    // Sockets, fifos and device nodes have no place in a skeleton directory: skipped.
  }
}

/** `cp -R FROM/. TO/` with both directories inside the root. */
export function copyTreeInside(rootFd: number, from: string, to: string): void {
  attempt(`cannot copy ${from} to ${to}`, () => {
    const [fromFd, toFd] = [openInside(rootFd, from), openInside(rootFd, to)];
    try {
      copyEntries(fdPath(fromFd), fdPath(toFd));
    } finally {
      closeFd(fromFd);
      closeFd(toFd);
    }
  });
}
