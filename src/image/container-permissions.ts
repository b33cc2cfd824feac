// The permission fix-up of spec 5.2, for trees unpacked from an image (create): the owner can read
// everything, enter every directory, run what anyone may run and write into directories, so the
// container is usable and removable by its owner. Images themselves keep their original modes.
//
// Device nodes are removed: unsquashfs run by root creates them, and outside /dev on the host filesystem
// they would give raw access to memory or disks to whoever reaches the directory.
//
// GNU find does the walk: it visits tens of thousands of entries about three times faster than a walk in
// Node, and changes only the entries that need it.
import { spawn } from 'node:child_process';
import { EnrootError } from '../errors.js';

const FIND_EXPRESSION = [
  '(', '-type', 'b', '-o', '-type', 'c', ')', '-print', '-delete',
  '-o',
  // Directories are fixed one by one when they are visited, before find reads them.
  '(', '-type', 'd', '!', '-perm', '-u=rwx', '-exec', 'chmod', 'u+rwx', '{}', ';', ')',
  '-o',
  // Other entries (symlinks have no mode of their own): u+r, and u+x where anyone may run them.
  '(', '!', '-type', 'l', '!', '-type', 'd', '(', '!', '-perm', '-u=r', '-o', '-perm', '/111', '!', '-perm', '-u=x', ')',
  '-exec', 'chmod', 'u+rX', '{}', '+', ')',
];

/** Fixes the permissions under `root`, removes its device nodes, and returns how many were removed. */
export function applyContainerPermissions(root: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('find', [root, ...FIND_EXPRESSION], { stdio: ['ignore', 'pipe', 'pipe'] });
    let removedDevices = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      removedDevices += chunk.toString('utf8').split('\n').length - 1;
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-2000);
    });
    child.on('error', (err) => reject(new EnrootError(`Could not fix the permissions of ${root}: ${err.message}`)));
    child.on('close', (status) => {
      if (status === 0) resolve(removedDevices);
      else reject(new EnrootError(`Could not fix the permissions of ${root}: ${errors.trim().split('\n').pop() ?? `find exited with ${status}`}`));
    });
  });
}

/**
 * The same fix for one entry, for extractors that apply it while they write (symlinks have no mode):
 * directories get u+rwx, anything else u+r, and u+x where anyone may run it.
 */
export function containerPermissions(mode: number, isDirectory: boolean): number {
  if (isDirectory) return mode | 0o700;
  return mode | 0o400 | (mode & 0o111 ? 0o100 : 0);
}
