// The permission fix-up of spec 5.2, for trees unpacked from an image (create): the owner can read
// everything, enter every directory, run what anyone may run and write into directories, so the
// container is usable and removable by its owner. Images themselves keep their original modes.
//
// GNU find does the walk: it visits tens of thousands of entries about three times faster than a walk in
// Node, and changes only the entries that need it.
import { spawn } from 'node:child_process';
import { EnrootError } from '../errors.js';

const FIND_EXPRESSION = [
  // Directories are fixed one by one when they are visited, before find reads them.
  '(', '-type', 'd', '!', '-perm', '-u=rwx', '-exec', 'chmod', 'u+rwx', '{}', ';', ')',
  '-o',
  // Other entries (symlinks have no mode of their own): u+r, and u+x where anyone may run them.
  '(', '!', '-type', 'l', '!', '-type', 'd', '(', '!', '-perm', '-u=r', '-o', '-perm', '/111', '!', '-perm', '-u=x', ')',
  '-exec', 'chmod', 'u+rX', '{}', '+', ')',
];

export function applyContainerPermissions(root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('find', [root, ...FIND_EXPRESSION], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-2000);
    });
    child.on('error', (err) => reject(new EnrootError(`Could not fix the permissions of ${root}: ${err.message}`)));
    child.on('close', (status) => {
      if (status === 0) resolve();
      else reject(new EnrootError(`Could not fix the permissions of ${root}: ${errors.trim().split('\n').pop() ?? `find exited with ${status}`}`));
    });
  });
}
