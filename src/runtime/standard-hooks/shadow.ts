// The standard hook 10-shadow, built in: the caller in the container's user and group databases. root,
// nobody and the caller's own entries come first in /etc/passwd and /etc/group (replacing entries of
// the same name, and the _apt user the namespace cannot switch to), malformed lines are dropped, and
// the home directory and mail spool are created as the image's login.defs and useradd defaults say.
import fs from 'node:fs';
import { EnrootError } from '../../errors.js';
import type { BuiltinHookContext } from '../builtin-hooks.js';
import type { PasswdEntry } from '../../sys/users.js';
import { callerGroup, callerPasswd, outerId } from '../caller.js';
import { isExecutableInside, isSymlinkFree, readFileInside, statInside } from '../root-paths.js';
import { copyTreeInside, makeDirectories, replaceFileInside, withUmask, writeFileInside } from './rootfs-files.js';
import { groupEntries, loginDefs, mergeDatabase, passwdEntries, type Caller, type Overflow } from './user-databases.js';

const DATABASES = ['/etc/passwd', '/etc/group'];

/** The settings of a login.defs-style file of the image; none when it is missing or leads through a symlink. */
function imageDefaults(rootFd: number, file: string, keys: readonly string[]): Map<string, string> {
  const text = isSymlinkFree(rootFd, file) ? readFileInside(rootFd, file) : null;
  return loginDefs(text ?? '', keys);
}

function overflowId(kind: 'uid' | 'gid'): string {
  try {
    return (fs.readFileSync(`/proc/sys/kernel/overflow${kind}`, 'utf8').split('\n')[0] as string).trim();
  } catch {
    return '65534';
  }
}

/** The caller as the databases will list it: its passwd entry and its group's name (its user name when the group has none). */
function callerOf(passwd: PasswdEntry): Caller {
  return { user: passwd.name, uid: passwd.uid, gid: passwd.gid, gecos: passwd.gecos, home: passwd.home, group: callerGroup()?.name ?? passwd.name };
}

/** `${FILE%/*}` of the script: FILE without its last component. */
function parentOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : file;
}

/**
 * The caller's shell when the image has it, else useradd's SHELL when the image has that, else /bin/sh.
 * Symlinks are resolved inside the rootfs, so /bin/bash counts in merged-/usr images (/bin -> usr/bin).
 */
function loginShell(rootFd: number, own: string, defaultShell: string | undefined): string {
  if (own !== '' && isExecutableInside(rootFd, own)) return own;
  const shell = defaultShell ?? '/bin/sh';
  return isExecutableInside(rootFd, shell) ? shell : '/bin/sh';
}

/** The database with `entries` first, installed as a new 0644 file renamed over the old one. */
function mergeInto(rootFd: number, file: string, entries: readonly string[], fields: number): void {
  const merged = mergeDatabase(entries, readFileInside(rootFd, file, 'latin1') ?? '', fields);
  replaceFileInside(rootFd, file, Buffer.from(merged, 'latin1'), 0o644);
}

function umaskOf(value: string, context: BuiltinHookContext): number {
  if (!/^[0-7]{1,4}$/.test(value)) throw new EnrootError(`UMASK ${value} in ${context.rootfs}/etc/login.defs is not an octal mode: fix the image`);
  return parseInt(value, 8) & 0o777;
}

/** The home directory, seeded from the skeleton directory, when the image lacks it and CREATE_HOME allows it. */
function createHome(context: BuiltinHookContext, home: string, defs: Map<string, string>, skel: string): void {
  const { rootFd } = context;
  if ((defs.get('CREATE_HOME') ?? 'yes') !== 'yes' || home === '' || home === '/') return;
  if (!isSymlinkFree(rootFd, home) || statInside(rootFd, home) !== null) return;
  withUmask(umaskOf(defs.get('UMASK') ?? '077', context), () => {
    makeDirectories(rootFd, home);
    if (isInside(home, skel)) context.warn(`the skeleton directory ${skel} holds the home directory ${home}: it is not copied into itself`);
    else if (isSymlinkFree(rootFd, skel) && statInside(rootFd, skel)?.isDirectory() === true) copyTreeInside(rootFd, skel, home);
  });
}

/** Whether `path` is `dir` or lies below it (both absolute, symlink-free paths in the rootfs). */
function isInside(path: string, dir: string): boolean {
  const base = dir.replace(/\/+$/, '');
  return base === '' || path === base || path.startsWith(`${base}/`);
}

/** An empty mail spool, readable by its group, when the image lacks it. */
function createMailSpool(rootFd: number, spool: string): void {
  if (!isSymlinkFree(rootFd, spool) || statInside(rootFd, spool) !== null) return;
  makeDirectories(rootFd, parentOf(spool));
  withUmask(0o007, () => writeFileInside(rootFd, spool, ''));
}

export function shadowHook(context: BuiltinHookContext): void {
  const { rootFd, rootfs } = context;
  for (const file of DATABASES) {
    if (!isSymlinkFree(rootFd, file)) throw new EnrootError(`${rootfs}${file} leads through a symlink: fix the image`);
  }
  const passwd = callerPasswd();
  if (passwd === null) context.warn(`No passwd entry for uid ${outerId('uid')} on this host: the container's /etc/passwd does not list you (add one; getent passwd must find it)`);
  const caller = passwd === null ? null : callerOf(passwd);
  const overflow: Overflow = { uid: overflowId('uid'), gid: overflowId('gid') };
  const defs = imageDefaults(rootFd, '/etc/login.defs', ['CREATE_HOME', 'UMASK', 'MAIL_DIR']);
  const useradd = imageDefaults(rootFd, '/etc/default/useradd', ['SHELL', 'SKEL', 'CREATE_MAIL_SPOOL']);
  const shell = loginShell(rootFd, passwd?.shell ?? '', useradd.get('SHELL'));
  mergeInto(rootFd, '/etc/passwd', passwdEntries(shell, overflow, caller), 7);
  mergeInto(rootFd, '/etc/group', groupEntries(overflow, caller), 4);
  if (caller === null) return;
  createHome(context, caller.home, defs, useradd.get('SKEL') ?? '/etc/skel');
  if (useradd.get('CREATE_MAIL_SPOOL') === 'yes') createMailSpool(rootFd, `${defs.get('MAIL_DIR') ?? '/var/mail'}/${caller.user}`);
}
