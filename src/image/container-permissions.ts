// The permission fix-up of spec 5.2, for trees unpacked from an image (create): the owner can read
// everything, enter every directory, run what anyone may run and write into directories, so the
// container is usable and removable by its owner. Images themselves keep their original modes.
import fs from 'node:fs';
import path from 'node:path';

export function applyContainerPermissions(root: string): void {
  const visit = (entry: string, stat: fs.Stats): void => {
    if (stat.isSymbolicLink()) return;
    const mode = stat.mode & 0o7777;
    let wanted = mode | 0o400;
    if (stat.isDirectory()) wanted |= 0o300;
    else if ((mode & 0o111) !== 0) wanted |= 0o100;
    if (wanted !== mode) fs.chmodSync(entry, wanted);
    if (!stat.isDirectory()) return;
    for (const child of fs.readdirSync(entry)) {
      const childPath = path.join(entry, child);
      visit(childPath, fs.lstatSync(childPath));
    }
  };
  visit(root, fs.lstatSync(root));
}
