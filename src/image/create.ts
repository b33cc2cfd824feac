// enroot create: a squashfs image unpacked into a container root filesystem under ENROOT_DATA_PATH,
// built beside it and renamed into place when complete. Images with gzip metadata (ours, and mksquashfs's
// default) are unpacked by our own extractor (extract.ts), which is faster than unsquashfs and applies the
// container permission fix on the way; the others (lzo, xz, zstd, lz4) by unsquashfs, then the fix.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { EnrootError, errorText } from '../errors.js';
import { log } from '../log/log.js';
import type { Settings } from '../config/settings.js';
import { ensureSettingDirectory } from '../config/directories.js';
import { validateName } from '../runtime/names.js';
import { containerNameFromImage } from './output-names.js';
import { StagedDirectory } from './staged-directory.js';
import { applyContainerPermissions } from './container-permissions.js';
import { extractImage, extractorHandles } from './extract.js';

const SQUASHFS_MAGIC = Buffer.from('hsqs');

/** The real path of an image file, checked to be a squashfs image (spec 8.1 step 1). */
export function resolveImageFile(image: string): string {
  if (image === '') throw new EnrootError('Invalid argument: empty image path');
  let real: string;
  try {
    real = fs.realpathSync(image);
  } catch {
    throw new EnrootError(`No such file or directory: ${path.resolve(image)}`);
  }
  if (!fs.statSync(real).isFile()) throw new EnrootError(`No such file or directory: ${real}`);
  const head = Buffer.alloc(4);
  const fd = fs.openSync(real, 'r');
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (!head.equals(SQUASHFS_MAGIC)) throw new EnrootError(`Invalid image format: ${real} (not a squashfs image)`);
  return real;
}

/** SIGKILLs `pid` and waits (at most 2 s) until it has stopped running: exited, or a zombie. */
function killAndWait(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 2000; waited += 5) {
    let state: string;
    try {
      state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] ?? 'X';
    } catch {
      return;
    }
    if (state === 'Z' || state === 'X') return;
    Atomics.wait(pause, 0, 0, 5);
  }
}

/** Runs unsquashfs (images our reader does not take), its progress on a terminal; fails with its last line on error. */
function unsquash(image: string, destination: string, processors: number, interactive: boolean): Promise<void> {
  const args = ['-f', '-user-xattrs', '-d', destination];
  if (processors > 0) args.push('-processors', String(processors));
  if (!interactive) args.push('-no-progress');
  args.push(image);
  return new Promise((resolve, reject) => {
    // setpriv --pdeathsig: if enroot is killed, unsquashfs dies too instead of writing on into a directory
    // that the next run removes as a leftover.
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'unsquashfs', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    // On SIGINT/SIGTERM, stop unsquashfs before the staging directory is removed (those listeners run after
    // this one), or it would write on into a directory that was just deleted.
    const stopChild = (): void => {
      if (child.pid !== undefined) killAndWait(child.pid);
    };
    process.prependListener('SIGINT', stopChild);
    process.prependListener('SIGTERM', stopChild);
    child.on('close', () => {
      process.off('SIGINT', stopChild);
      process.off('SIGTERM', stopChild);
    });
    let lastLines = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (interactive) process.stderr.write(chunk);
      lastLines = (lastLines + chunk.toString('utf8')).slice(-2000);
    });
    child.on('error', (err) => reject(new EnrootError(`Command not found: unsquashfs (install squashfs-tools): ${err.message}`)));
    child.on('close', (status) => {
      if (status === 0) resolve();
      else reject(new EnrootError(`Could not extract ${image}: ${lastLines.trim().split('\n').pop() ?? `unsquashfs exited with ${status}`}`));
    });
  });
}

/** Unpacks `image` into the empty directory `destination` with the permission fix; returns the device nodes left out. */
async function unpack(image: string, destination: string, processors: number): Promise<number> {
  if (extractorHandles(image)) return (await extractImage(image, destination, processors)).deviceNodes;
  await unsquash(image, destination, processors, log.interactive);
  return applyContainerPermissions(destination);
}

export interface CreateOptions {
  name?: string;
  force: boolean;
}

/** Creates the container and returns its directory. */
export async function createContainer(image: string, settings: Settings, options: CreateOptions): Promise<string> {
  const imageFile = resolveImageFile(image);
  const name = options.name ?? containerNameFromImage(imageFile);
  validateName(name);
  const target = path.join(ensureSettingDirectory(settings, 'ENROOT_DATA_PATH'), name);
  if (!options.force && fs.existsSync(target)) throw new EnrootError(`File already exists: ${target}`);
  log.info('Extracting squashfs filesystem...');
  const staged = StagedDirectory.create(target);
  try {
    const removedDevices = await unpack(imageFile, staged.path, settings.integer('ENROOT_MAX_PROCESSORS'));
    if (removedDevices > 0) log.warn(`${removedDevices} device node(s) left out of ${target}: device nodes outside /dev are not created on the host`);
    staged.commit(options.force);
  } catch (err) {
    try {
      staged.discard();
    } catch (cleanupError) {
      log.warn(errorText(cleanupError)); // the extraction's own failure is the one to report
    }
    throw err;
  }
  return target;
}
