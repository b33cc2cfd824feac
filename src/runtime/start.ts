// `enroot start`, the host half: validate everything, decide the namespaces and identity, then
// replace this process with `unshare`, which replaces itself with stage 2 inside the namespaces.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../config/install.js';
import { EnrootError } from '../errors.js';
import type { Settings } from '../config/settings.js';
import { ensureSettingDirectory } from '../config/directories.js';
import { execve } from '../sys/process.js';
import { environmentArgument, isValidEnvironmentArgument } from './environment.js';
import { mountOptionToFstab } from './fstab.js';
import { unshareArguments } from './namespaces.js';
import { stage2Environment, type StartPlan } from './plan.js';
import { findProgram } from './programs.js';
import { resolveRootfs } from './rootfs.js';

export interface StartRequest {
  /** NAME or IMAGE. */
  target: string;
  command: string[];
  /** Already checked and absolute. */
  configScript?: string;
  rcFile?: string;
  environment: string[];
  mounts: string[];
}

/** Stage 2 beside this code: dist/bundle/stage2.cjs when running from the bundle, else the compiled module. */
function stage2Module(): string {
  const bundled = fileURLToPath(new URL('./stage2.cjs', import.meta.url));
  return fs.existsSync(bundled) ? bundled : fileURLToPath(new URL('./stage2.js', import.meta.url));
}

function validate(request: StartRequest): void {
  for (const value of request.mounts) {
    if (value === '' || /\s/.test(value)) throw new EnrootError(`Invalid argument: ${value} (a --mount value is SRC[:DST[:TYPE[:OPTIONS]]] without blanks)`);
  }
  for (const value of request.environment) {
    if (!isValidEnvironmentArgument(value)) throw new EnrootError(`Invalid argument: ${value} (a --env value is NAME or NAME=VALUE)`);
  }
}

export function planStart(settings: Settings, request: StartRequest): StartPlan {
  validate(request);
  const rootfs = resolveRootfs(request.target, settings.path('ENROOT_DATA_PATH'));
  // Not os.userInfo(): a uid without a passwd entry (common under batch schedulers) makes it throw.
  const euid = process.geteuid?.() ?? os.userInfo().uid;
  const egid = process.getegid?.() ?? os.userInfo().gid;
  const userNamespace = !(settings.flag('ENROOT_ALLOW_SUPERUSER') && euid === 0);
  const remapRoot = settings.flag('ENROOT_REMAP_ROOT');
  const lookup = (name: string): string | undefined => settings.get(name);
  return {
    rootfs,
    runtimeDir: ensureSettingDirectory(settings, 'ENROOT_RUNTIME_PATH'),
    helpersDir: path.join(PACKAGE_ROOT, 'bin'),
    sysconfDir: settings.path('ENROOT_SYSCONF_PATH'),
    configDir: settings.path('ENROOT_CONFIG_PATH'),
    ...(request.configScript === undefined ? {} : { configScript: request.configScript }),
    ...(request.rcFile === undefined ? {} : { rcFile: request.rcFile }),
    environment: request.environment.map((value) => environmentArgument(value, lookup)),
    mounts: request.mounts.map(mountOptionToFstab),
    command: request.command,
    writable: settings.flag('ENROOT_ROOTFS_WRITABLE'),
    userNamespace,
    unshare: {
      pid: settings.flag('ENROOT_UNSHARE_PID'),
      net: settings.flag('ENROOT_UNSHARE_NET'),
      ipc: settings.flag('ENROOT_UNSHARE_IPC'),
      uts: settings.flag('ENROOT_UNSHARE_UTS'),
    },
    loginShell: settings.flag('ENROOT_LOGIN_SHELL'),
    nativeOverlay: settings.flag('ENROOT_NATIVE_OVERLAYFS'),
    debug: settings.flag('ENROOT_DEBUG'),
    outerUid: euid,
    outerGid: egid,
    innerUid: userNamespace && remapRoot ? 0 : euid,
    innerGid: userNamespace && remapRoot ? 0 : egid,
  };
}

/** Never returns: this process becomes the container. */
export function startContainer(settings: Settings, request: StartRequest): never {
  const plan = planStart(settings, request);
  const searchPath = settings.get('PATH');
  const unshare = findProgram('unshare', searchPath);
  if (plan.rootfs.kind === 'image') {
    findProgram('squashfuse', searchPath);
    if (!plan.nativeOverlay) findProgram('fuse-overlayfs', searchPath);
  }
  const argv = [...unshareArguments(plan), '--', process.execPath, stage2Module()];
  execve(unshare, argv, stage2Environment(settings.environment(), plan));
}
