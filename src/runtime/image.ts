// Starting from a squashfs image (spec 9.12): squashfuse mounts it read-only, an overlay with its
// upper layer on the runtime tmpfs makes it writable in memory. The FUSE daemons die with the
// container (parent-death signal), so they never keep the namespace alive.
import { childProcess } from '../lazy-builtins.js';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnrootError } from '../errors.js';
import type { Logger } from '../log/log.js';
import { mount } from '../sys/mount.js';
import type { StartPlan } from './plan.js';

const READY_TIMEOUT_MS = 5_000;
const POLL_MS = 5;

interface FuseDaemon {
  exited: boolean;
}

function startDaemon(program: string, args: string[], logFd: number, env: NodeJS.ProcessEnv): FuseDaemon {
  const daemon = { exited: false };
  const child = childProcess().spawn('setpriv', ['--pdeathsig', 'KILL', '--', program, ...args], { stdio: ['ignore', logFd, logFd], env });
  child.on('exit', () => {
    daemon.exited = true;
  });
  child.on('error', () => {
    daemon.exited = true;
  });
  child.unref();
  return daemon;
}

async function waitForMount(mountpoint: string, daemon: FuseDaemon): Promise<boolean> {
  const parentDevice = fs.statSync(path.dirname(mountpoint)).dev;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !daemon.exited) {
    try {
      if (fs.statSync(mountpoint).dev !== parentDevice) return true;
    } catch {
      // not answering yet
    }
    await sleep(POLL_MS);
  }
  return false;
}

/** Mounts the image of `plan` under `runtimeDir`/overlay and returns that directory, the rootfs. */
export async function mountImage(plan: StartPlan, runtimeDir: string, log: Logger): Promise<string> {
  const image = plan.rootfs.path;
  const overlay = path.join(runtimeDir, 'overlay');
  const [lower, upper, work] = ['lower', 'upper', 'work'].map((name) => path.join(overlay, name)) as [string, string, string];
  for (const dir of [overlay, lower, upper, work]) fs.mkdirSync(dir, { mode: 0o755 });
  const logFile = path.join(runtimeDir, 'fuse.log');
  const logFd = fs.openSync(logFile, 'a', 0o600);
  const fail = (): never => {
    for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) if (line !== '') log.warn(line);
    throw new EnrootError(`Failed to mount: ${image}`);
  };
  const squashfuse = startDaemon('squashfuse', ['-f', '-o', `uid=${plan.innerUid},gid=${plan.innerGid}`, image, lower], logFd, process.env);
  if (!(await waitForMount(lower, squashfuse))) fail();
  const layers = `lowerdir=${lower},upperdir=${upper},workdir=${work}`;
  if (plan.nativeOverlay) {
    try {
      // The source names the image: `enroot list --fancy` shows the container by it.
      mount(image, overlay, 'overlay', 0, `${layers},xino=off${plan.userNamespace ? ',userxattr' : ''}`);
    } catch (err) {
      log.warn(err instanceof Error ? err.message : String(err));
      fail();
    }
  } else {
    const env = { ...process.env, FUSE_OVERLAYFS_DISABLE_OVL_WHITEOUT: 'y' };
    // fuse-overlayfs reads xattrs through /proc/self/fd paths; once the container's root is switched,
    // those lead through its own mount and it deadlocks waiting for itself. Without xattrs it never does.
    const overlayfs = startDaemon('fuse-overlayfs', ['-f', '-o', `${layers},noxattrs=1`, overlay], logFd, env);
    if (!(await waitForMount(overlay, overlayfs))) fail();
  }
  fs.closeSync(logFd);
  return overlay;
}
