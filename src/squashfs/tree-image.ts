// Whole images from a directory on disk (enroot export), and the temporary-name-then-rename wrapper that
// every image output goes through: nothing half-written is left behind on an error, SIGINT or SIGTERM.
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { EnrootError } from '../errors.js';
import { writeFileAtomically } from '../temporary-files.js';
import type { SquashfsOptions } from './options.js';
import type { EntryMeta } from './tree.js';
import { SquashfsWriter } from './writer.js';
import type { Xattrs } from './xattrs.js';

export interface TreeImageHooks {
  /** True leaves an entry out (a directory with everything below it). `relPath` is '/'-separated, without a leading '/'. */
  exclude?: (relPath: string, stat: Stats) => boolean;
  /** The extended attributes of an entry (Node has no xattr API of its own); without it none are stored. */
  readXattrs?: (absolutePath: string) => Xattrs | undefined;
  /** Replace an existing image at the output path (export --force); otherwise that is an error. */
  replace?: boolean;
}

/** Read size for file contents: a multiple of every block size, so blocks are views of the chunks. */
const READ_CHUNK = 1024 * 1024;

/**
 * Create the image at `outputPath` through `fill`, whole or not at all (writeFileAtomically): an existing
 * file there is an error unless `replace`.
 */
export async function writeImageAtomically(
  outputPath: string,
  options: SquashfsOptions,
  fill: (writer: SquashfsWriter) => Promise<void>,
  publishing: { replace?: boolean } = {},
): Promise<void> {
  await writeFileAtomically(outputPath, publishing.replace === true, async (temporary) => {
    const writer = await SquashfsWriter.create(temporary, options);
    try {
      await fill(writer);
      await writer.finish();
    } catch (err) {
      await writer.abort();
      throw err;
    }
  });
}

/** Write the tree under `sourceDir` into a new image at `outputPath`. */
export async function writeTreeImage(sourceDir: string, outputPath: string, options: SquashfsOptions, hooks: TreeImageHooks = {}): Promise<void> {
  await writeImageAtomically(outputPath, options, async (writer) => {
    const firstNameOf = new Map<string, string>();
    const readBuffer = Buffer.allocUnsafeSlow(READ_CHUNK);
    const metaOf = (path: string, stat: Stats): EntryMeta => ({
      mode: stat.mode & 0o7777,
      uid: stat.uid,
      gid: stat.gid,
      mtime: Math.floor(stat.mtimeMs / 1000),
      xattrs: hooks.readXattrs?.(path),
    });
    const visit = async (relDir: string, absDir: string): Promise<void> => {
      for (const name of readdirSync(absDir).sort()) {
        const rel = relDir === '' ? name : `${relDir}/${name}`;
        const abs = join(absDir, name);
        const stat = lstatSync(abs);
        if (hooks.exclude?.(rel, stat)) continue;
        if (stat.isDirectory()) {
          writer.addDirectory(rel, metaOf(abs, stat));
          await visit(rel, abs);
          continue;
        }
        if (stat.nlink > 1) {
          const key = `${stat.dev}:${stat.ino}`;
          const first = firstNameOf.get(key);
          if (first !== undefined) {
            writer.addHardlink(rel, first);
            continue;
          }
          firstNameOf.set(key, rel);
        }
        const meta = metaOf(abs, stat);
        if (stat.isFile()) await writer.addFile(rel, meta, stat.size, readChunks(abs, stat.size, readBuffer));
        else if (stat.isSymbolicLink()) writer.addSymlink(rel, meta, readlinkSync(abs));
        else if (stat.isCharacterDevice() || stat.isBlockDevice()) {
          const { major, minor } = splitDeviceNumber(stat.rdev);
          writer.addDevice(rel, meta, stat.isCharacterDevice() ? 'char' : 'block', major, minor);
        } else if (stat.isFIFO()) writer.addFifo(rel, meta);
        else if (stat.isSocket()) writer.addSocket(rel, meta);
      }
    };
    const root = statSync(sourceDir, { throwIfNoEntry: false });
    if (!root?.isDirectory()) throw new EnrootError(`Not a directory: ${resolve(sourceDir)}`);
    writer.addDirectory('', metaOf(sourceDir, root));
    await visit('', sourceDir);
  }, { replace: hooks.replace === true });
}

/**
 * A file's contents in chunks read with synchronous calls (cheaper than the thread pool for many small
 * files) into one reused buffer: the writer copies what it keeps of a chunk before it asks for the next.
 */
async function* readChunks(path: string, size: number, buffer: Buffer): AsyncGenerator<Buffer> {
  if (size === 0) return; // nothing to read, and an empty file may be unreadable (mode 0000)
  const fd = openSync(path, 'r');
  try {
    let left = size;
    while (left > 0) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, left), null);
      if (read === 0) return;
      left -= read;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

/** glibc's dev_t layout: major in bits 8-19 and 32-43, minor in bits 0-7 and 12-31 and 44-63. */
function splitDeviceNumber(rdev: number): { major: number; minor: number } {
  const low = rdev >>> 0;
  const high = Math.floor(rdev / 2 ** 32);
  return {
    major: ((low >>> 8) & 0xfff) | ((high & 0xfffff000) >>> 0),
    minor: (low & 0xff) | ((low >>> 12) & 0xfff00),
  };
}
