// `enroot-mount [--root DIR] [--pass NUM] FSTAB...` (spec 10.6), the mount command hooks call:
// performs the entries with pass number NUM (default 0), targets inside DIR (default /); `-` is stdin.
import fs from 'node:fs';
import { errorText, EnrootError } from '../errors.js';
import { openPath } from '../sys/files.js';
import { SysError } from '../sys/libc.js';
import { parseFstab } from './fstab.js';
import { performEntries } from './mount-entry.js';

const USAGE = 'Usage: enroot-mount [--root DIR] [--pass NUM] FSTAB...\n';

function inUserNamespace(): boolean {
  return !/^\s*0\s+0\s+4294967295\s*$/.test(fs.readFileSync('/proc/self/uid_map', 'utf8'));
}

function run(argv: string[]): number {
  let root = '/';
  let pass = 0;
  const files: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    const value = argv[index + 1];
    if ((argument === '--root' || argument === '--pass') && value !== undefined) {
      if (argument === '--root') root = value;
      else if (/^-?\d+$/.test(value)) pass = Number(value);
      else throw new EnrootError(`invalid pass number: ${value}`);
      index += 1;
    } else {
      files.push(argument);
    }
  }
  if (files.length === 0) {
    process.stdout.write(USAGE);
    return 0;
  }
  const rootfs = fs.realpathSync(root);
  const context = {
    rootFd: openPath(rootfs),
    rootfs,
    userNamespace: inUserNamespace(),
    warn: (message: string) => process.stderr.write(`enroot-mount: ${message}\n`),
  };
  for (const file of files) {
    const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
    performEntries(parseFstab(text, file === '-' ? 'standard input' : file).filter((entry) => entry.pass === pass), context);
  }
  return 0;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (err) {
  const known = err instanceof EnrootError || err instanceof SysError;
  process.stderr.write(`enroot-mount: ${known ? err.message : errorText(err)}\n`);
  process.exitCode = 1;
}
