// Applying container edits during setup: device nodes and mounts at once, symlinks created inside
// the rootfs, environment lines appended to the environment file, CDI hooks run with an OCI state,
// and the container's linker cache refreshed over the new library directories.
import { childProcess } from '../lazy-builtins.js';
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';
import type { FstabEntry } from '../runtime/fstab.js';
import type { BuiltinHookContext } from '../runtime/builtin-hooks.js';
import { createInside, openInside } from '../runtime/root-paths.js';
import { closeFd, fdPath } from '../sys/files.js';
import type { ContainerEdits, HookEdit, MountEdit } from './edits.js';
import { findLdconfig } from './host.js';

const ORIGIN = 'the NVIDIA hook';

function entry(source: string, target: string, type: string, options: string[]): FstabEntry {
  return { source, target, type, options: options.join(','), pass: 0, origin: ORIGIN };
}

function mountEntry(mount: MountEdit): FstabEntry {
  if (mount.type !== undefined && mount.type !== 'none' && mount.type !== 'bind') return entry(mount.hostPath, mount.containerPath, mount.type, ['x-create=dir', ...mount.options]);
  let isDir = false;
  try {
    isDir = fs.statSync(mount.hostPath).isDirectory();
  } catch {
    // a missing source fails at the mount, with its name
  }
  const binds = mount.options.some((option) => option === 'bind' || option === 'rbind');
  return entry(mount.hostPath, mount.containerPath, 'none', [`x-create=${isDir ? 'dir' : 'file'}`, ...(binds ? [] : ['bind']), ...mount.options]);
}

/** The fstab entries of the device nodes and mounts, in that order. */
export function editEntries(edits: ContainerEdits): FstabEntry[] {
  return [
    ...edits.deviceNodes.map((node) => entry(node.hostPath, node.path, 'none', ['x-create=file', 'bind', 'rw', 'nosuid', 'noexec', 'private'])),
    ...edits.mounts.map(mountEntry),
  ];
}

export function createSymlink(rootFd: number, link: string, target: string): void {
  const dir = path.posix.dirname(link);
  createInside(rootFd, dir, 'dir', 0o755);
  const dirFd = openInside(rootFd, dir);
  try {
    fs.symlinkSync(target, `${fdPath(dirFd)}/${path.posix.basename(link)}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    closeFd(dirFd);
  }
}

function runCdiHook(hook: HookEdit, context: BuiltinHookContext): void {
  const bundle = path.join(context.runtimeDir, 'cdi-bundle');
  fs.mkdirSync(bundle, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify({ ociVersion: '1.0.2', root: { path: context.rootfs }, process: { env: [] } }));
  const state = { ociVersion: '1.0.2', id: `enroot-${context.env.ENROOT_PID ?? process.pid}`, status: 'creating', pid: Number(context.env.ENROOT_PID ?? process.pid), bundle };
  const env = Object.fromEntries(hook.env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  const result = childProcess().spawnSync(hook.path, hook.args.slice(1), {
    argv0: hook.args[0] ?? hook.path,
    input: JSON.stringify(state),
    env: { PATH: context.env.PATH, ...env },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? `exit status ${result.status ?? result.signal}, see its message above`;
    throw new EnrootError(`CDI ${hook.hookName} hook ${hook.path} failed (${why}); fix the CDI spec or regenerate it with nvidia-ctk cdi generate`);
  }
}

/** Rebuilds the container's /etc/ld.so.cache with the host's ldconfig, chrooted into the rootfs. */
function refreshLinkerCache(dirs: readonly string[], context: BuiltinHookContext): void {
  const ldconfig = findLdconfig(context.env.PATH);
  if (ldconfig === null) throw new EnrootError('Command not found: ldconfig (install the C library tools; the GPU libraries need it to be found in the container)');
  createInside(context.rootFd, '/etc', 'dir', 0o755);
  const result = childProcess().spawnSync(ldconfig, ['-r', context.rootfs, ...dirs], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) context.warn(`Could not refresh the container's linker cache (${result.stderr.trim() || result.error?.message}); GPU libraries may not be found`);
}

export function applyEdits(edits: ContainerEdits, context: BuiltinHookContext): void {
  context.mount(editEntries(edits));
  for (const { link, target } of edits.symlinks) createSymlink(context.rootFd, link, target);
  if (edits.env.length > 0) fs.appendFileSync(context.environFile, edits.env.map((line) => `${line}\n`).join(''));
  for (const hook of edits.hooks) {
    if (hook.hookName === 'poststart' || hook.hookName === 'poststop') continue;
    runCdiHook(hook, context);
  }
  if (edits.libraryDirs.length > 0) refreshLinkerCache(edits.libraryDirs, context);
}
