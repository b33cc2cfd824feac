// What `enroot start` runs (spec 9.1): a squashfs image file, or else a container name in ENROOT_DATA_PATH.
import fs from 'node:fs';
import { MAGIC, VERSION_MAJOR } from '../squashfs/format.js';
import { containerDirectory } from './names.js';
import type { RootfsSource } from './plan.js';

function isSquashfsImage(file: string): boolean {
  let fd: number | undefined;
  try {
    if (!fs.statSync(file).isFile()) return false;
    fd = fs.openSync(file, 'r');
    const header = Buffer.alloc(30);
    if (fs.readSync(fd, header, 0, header.length, 0) !== header.length) return false;
    return header.readUInt32LE(0) === MAGIC && header.readUInt16LE(28) === VERSION_MAJOR;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function resolveRootfs(argument: string, dataDir: string): RootfsSource {
  if (argument !== '' && isSquashfsImage(argument)) return { kind: 'image', path: fs.realpathSync(argument) };
  return { kind: 'directory', path: containerDirectory(dataDir, argument) };
}

