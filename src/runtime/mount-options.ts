// The option vocabulary of the fstab dialect (spec 10.3): kernel flags set or cleared left to right,
// propagation changes, enroot's x- options, and everything else passed on as filesystem data.
import { MS } from '../sys/mount.js';

export type CreateKind = 'dir' | 'file' | 'auto';

export interface MountOptions {
  flags: number;
  /** Propagation changes in order, each already carrying MS_REC for the r- variants. */
  propagation: number[];
  data: string[];
  create?: CreateKind;
  move: boolean;
  detach: boolean;
  nofail: boolean;
  /** Warnings of nofail entries are suppressed (silent without a later loud). */
  quiet: boolean;
}

const SET: Record<string, number> = {
  ro: MS.RDONLY,
  nosuid: MS.NOSUID,
  nodev: MS.NODEV,
  noexec: MS.NOEXEC,
  sync: MS.SYNCHRONOUS,
  dirsync: MS.DIRSYNC,
  mand: MS.MANDLOCK,
  noatime: MS.NOATIME,
  nodiratime: MS.NODIRATIME,
  relatime: MS.RELATIME,
  strictatime: MS.STRICTATIME,
  iversion: MS.I_VERSION,
  lazytime: MS.LAZYTIME,
  silent: MS.SILENT,
  bind: MS.BIND,
  rbind: MS.BIND | MS.REC,
  remount: MS.REMOUNT,
};

const CLEAR: Record<string, number> = {
  rw: MS.RDONLY,
  suid: MS.NOSUID,
  dev: MS.NODEV,
  exec: MS.NOEXEC,
  async: MS.SYNCHRONOUS,
  nomand: MS.MANDLOCK,
  atime: MS.NOATIME,
  diratime: MS.NODIRATIME,
  norelatime: MS.RELATIME,
  nostrictatime: MS.STRICTATIME,
  noiversion: MS.I_VERSION,
  nolazytime: MS.LAZYTIME,
  loud: MS.SILENT,
};

const PROPAGATION: Record<string, number> = {
  shared: MS.SHARED,
  slave: MS.SLAVE,
  private: MS.PRIVATE,
  unbindable: MS.UNBINDABLE,
  rshared: MS.SHARED | MS.REC,
  rslave: MS.SLAVE | MS.REC,
  rprivate: MS.PRIVATE | MS.REC,
  runbindable: MS.UNBINDABLE | MS.REC,
};

const IGNORED = new Set(['auto', 'noauto', 'defaults', 'group', 'nogroup', 'owner', 'noowner', 'user', 'nouser', 'users', 'nousers']);
const ENROOT_OPTIONS = new Set(['nofail', 'x-move', 'x-detach', 'x-create=dir', 'x-create=file', 'x-create=auto']);

/** True for a field that can only be an option list (spec 10.2): it has a comma or is a known option name. */
export function looksLikeOptions(field: string): boolean {
  return field.includes(',') || field in SET || field in CLEAR || field in PROPAGATION || IGNORED.has(field) || ENROOT_OPTIONS.has(field);
}

export function parseMountOptions(text: string): MountOptions {
  const options: MountOptions = { flags: 0, propagation: [], data: [], move: false, detach: false, nofail: false, quiet: false };
  for (const option of text.split(',')) {
    if (option === '') continue;
    const set = SET[option];
    const clear = CLEAR[option];
    const propagation = PROPAGATION[option];
    if (set !== undefined) {
      options.flags |= set;
      if (option === 'silent') options.quiet = true;
    } else if (clear !== undefined) {
      options.flags &= ~clear;
      if (option === 'loud') options.quiet = false;
    } else if (propagation !== undefined) {
      options.propagation.push(propagation);
    } else if (option.startsWith('x-create=') && ENROOT_OPTIONS.has(option)) {
      options.create = option.slice('x-create='.length) as CreateKind;
    } else if (option === 'x-move') {
      options.move = true;
    } else if (option === 'x-detach') {
      options.detach = true;
    } else if (option === 'nofail') {
      options.nofail = true;
    } else if (!IGNORED.has(option)) {
      options.data.push(option);
    }
  }
  return options;
}
