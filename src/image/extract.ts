// Our squashfs extractor for `enroot create`, faster than unsquashfs on enroot's images. The main thread
// reads the image's tables and walks its tree (a hostile tree fails before anything is written), creates
// the directories and plans the work; worker threads then create the files, symlinks, fifos and sockets,
// each in its own directories, copying stored data inside the kernel, link hardlinks, and finish each
// directory once it is complete. The container permission fix (container-permissions.ts) is applied on
// the way and device nodes are left out, counted, as the unsquashfs path does with its second pass.
import fs from 'node:fs';
import os from 'node:os';
import { startProgress } from '../log/progress.js';
import { Compression } from '../squashfs/format.js';
import { ImageFile, openSquashfsImage, readingImage, readSuperblock, type SquashfsImage } from '../squashfs/reader/index.js';
import { createDirectories } from './extract-directories.js';
import { planExtraction } from './extract-plan.js';
import type { WorkerRun } from './extract-protocol.js';
import { ExtractWorkers } from './extract-workers.js';

export interface ExtractResult {
  /** Names of device nodes left out. */
  deviceNodes: number;
}

/**
 * Whether our extractor is the one for this image: gzip metadata (other compressors are not supported by
 * our reader). A superblock it cannot read is left to unsquashfs, whose message is then the one shown.
 */
export function extractorHandles(imagePath: string): boolean {
  const file = ImageFile.open(imagePath);
  try {
    return readSuperblock(file).compression === Compression.gzip;
  } catch {
    return false;
  } finally {
    file.close();
  }
}

/** Extracts `imagePath` into the existing, empty directory `destination`. `processors` <= 0: all cores. */
export async function extractImage(imagePath: string, destination: string, processors: number): Promise<ExtractResult> {
  const workers = new ExtractWorkers(processors > 0 ? processors : os.availableParallelism());
  const rootFd = fs.openSync(destination, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
  // Modes are given exactly at creation (see extract-entries.ts); umask is per process, threads included.
  const umask = process.umask(0);
  let image: SquashfsImage | undefined;
  try {
    image = openSquashfsImage(imagePath);
    const { tree, inodes, fragments } = image;
    const plan = readingImage(imagePath, () => planExtraction(tree, inodes.bytes, fragments, workers.size));
    createDirectories(rootFd, tree.directories, destination);
    const run: WorkerRun = {
      imagePath,
      inodes: inodes.bytes.buffer as SharedArrayBuffer,
      names: tree.names.buffer as SharedArrayBuffer,
      leaves: plan.leaves,
      firstLink: plan.firstLink,
      links: plan.links,
      order: plan.order,
      idle: plan.idle,
      directories: plan.directories,
      chunks: plan.chunks,
      rootFd,
      rootPath: destination,
      extractor: { asRoot: process.geteuid?.() === 0, gid: process.getegid?.() ?? 0, umask },
    };
    const progress = startProgress('Extracting', { total: plan.totalBytes, unit: 'bytes' });
    try {
      await workers.run(run, imagePath, (bytes) => progress.advance(bytes));
    } finally {
      progress.done();
    }
    return { deviceNodes: plan.deviceNodes };
  } finally {
    process.umask(umask);
    fs.closeSync(rootFd);
    image?.file.close();
    await workers.close();
  }
}
