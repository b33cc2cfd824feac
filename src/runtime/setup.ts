// Stage 2 of `enroot start`, inside the namespaces (spec 9.5): runtime tmpfs, rootfs, lock,
// configuration script, environment, mounts in their phases, hooks, command script, read-only
// rootfs, root switch, privilege drop, and finally execve of the container's first program.
import fs from 'node:fs';
import path from 'node:path';
import { log } from '../log/log.js';
import { closeFd, fdPath, openPath } from '../sys/files.js';
import { lockedFlagsOf, mount, MS } from '../sys/mount.js';
import { bringLoopbackUp } from '../sys/net.js';
import { dropAllCapabilities, execve, setNoNewPrivileges, switchRoot, unshareCgroupNamespace } from '../sys/process.js';
import { installFakeRootFilter } from '../sys/seccomp.js';
import { configFiles, readRegularFile, type ConfigDirectories } from './config-dirs.js';
import type { ConfigScript } from './config-script.js';
import { loadEnvironment, normaliseEnvironment } from './environment.js';
import { parseFstab, type FstabEntry } from './fstab.js';
import { initProgram } from './init.js';
import { lockRootfs, unlockRootfs } from './lock.js';
import { loginSetup } from './login.js';
import { performEntries, type MountContext } from './mount-entry.js';
import type { StartPlan } from './plan.js';
import { openIfPresent, openInside, readFileInside } from './root-paths.js';
import { substitute } from './substitute.js';

const PID_ENTRIES = 'none /proc none x-create=dir,x-detach,nofail,silent 0 -1\nproc /proc proc x-create=dir,rw,nosuid,nodev,noexec,private 0 -1';
const NET_ENTRIES = 'none /sys none x-create=dir,x-detach,nofail,silent 0 -1\nsysfs /sys sysfs x-create=dir,ro,nosuid,nodev,noexec,private 0 -1';

function lookup(name: string): string | undefined {
  return process.env[name];
}

/** What hooks run with: our environment, and the mount helper in PATH. */
function hookEnvironment(helpersDir: string): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${helpersDir}:${process.env.PATH ?? '/usr/bin:/bin'}` };
}

function hostPid(): number {
  return Number(fs.readlinkSync('/proc/self'));
}

/**
 * The early (pass -1) entries, with the fresh /proc and /sys of --pid and --net placed right after
 * the last entry that mounts the host's, so later binds into them stay visible.
 */
function withNamespaceEntries(entries: FstabEntry[], plan: StartPlan): FstabEntry[] {
  const result = [...entries];
  const insert = (text: string, target: string): void => {
    let at = 0;
    result.forEach((entry, index) => {
      if (entry.target.replace(/^\/+|\/+$/g, '') === target) at = index + 1;
    });
    result.splice(at, 0, ...parseFstab(text, `--${target === 'proc' ? 'pid' : 'net'}`));
  };
  if (plan.unshare.pid) insert(PID_ENTRIES, 'proc');
  if (plan.unshare.net) insert(NET_ENTRIES, 'sys');
  return result;
}

function withPass(entries: readonly FstabEntry[], pass: number): FstabEntry[] {
  return entries.filter((entry) => entry.pass === pass);
}

class Stage2 {
  private readonly dirs: ConfigDirectories;
  private readonly envFile: string;
  private readonly mountFile: string;
  private rootfs = '';
  private rootFd = -1;
  private config: ConfigScript | null = null;

  constructor(private readonly plan: StartPlan) {
    this.dirs = { sysconf: plan.sysconfDir, config: plan.configDir };
    this.envFile = path.join(plan.runtimeDir, 'environment');
    this.mountFile = path.join(plan.runtimeDir, 'fstab');
  }

  async run(): Promise<never> {
    const plan = this.plan;
    if (plan.userNamespace) installFakeRootFilter();
    if (plan.unshare.net) bringLoopbackUp();
    mount('tmpfs', plan.runtimeDir, 'tmpfs', MS.NOSUID | MS.NODEV, 'mode=0700');
    this.rootfs = plan.rootfs.kind === 'image' ? await (await import('./image.js')).mountImage(plan, plan.runtimeDir, log) : plan.rootfs.path;
    this.makeRootfsMount();
    const lockFd = plan.rootfs.kind === 'directory' ? await lockRootfs(this.rootfs) : null;
    Object.assign(process.env, {
      ENROOT_PID: String(hostPid()),
      ENROOT_ROOTFS: this.rootfs,
      ENROOT_ENVIRON: this.envFile,
      ENROOT_MOUNTS: this.mountFile,
    });
    if (plan.configScript !== undefined) await this.startConfigScript(plan.configScript);
    await this.buildEnvironment();
    const fileEntries = this.readMountFiles();
    performEntries(withNamespaceEntries(withPass(fileEntries, -1), plan), this.mountContext());
    await this.runHooks();
    performEntries(withPass([...fileEntries, ...(await this.lateEntries())], 0), this.mountContext());
    const rcScript = await this.commandScript();
    await this.config?.close();
    if (lockFd !== null) unlockRootfs(lockFd);
    this.protectRootfs();
    this.enterContainer(rcScript);
  }

  private mountContext(): MountContext {
    return { rootFd: this.rootFd, rootfs: this.rootfs, userNamespace: this.plan.userNamespace, warn: (message) => log.warn(message) };
  }

  private lockedFlags(target: string): number {
    return this.plan.userNamespace ? lockedFlagsOf(target) : 0;
  }

  /** The rootfs becomes a nosuid,nodev mount point of its own, ready to pivot into. */
  private makeRootfsMount(): void {
    mount(this.rootfs, this.rootfs, null, MS.BIND | MS.REC, null);
    mount(null, this.rootfs, null, MS.REMOUNT | MS.BIND | MS.NOSUID | MS.NODEV | this.lockedFlags(this.rootfs), null);
    mount(null, this.rootfs, null, MS.SLAVE, null);
    this.rootFd = openPath(this.rootfs);
  }

  private async startConfigScript(file: string): Promise<void> {
    const { ConfigScript } = await import('./config-script.js');
    this.config = await ConfigScript.start(file, this.plan.command, process.env, this.plan.helpersDir);
    Object.assign(process.env, await this.config.exports(path.join(this.plan.runtimeDir, 'exports')));
  }

  private async buildEnvironment(): Promise<void> {
    const parts = [readFileInside(this.rootFd, '/etc/environment') ?? ''];
    for (const file of configFiles(this.dirs, 'environ.d', '.env')) parts.push(readRegularFile(file) ?? '');
    fs.writeFileSync(this.envFile, parts.map((text) => terminated(substitute(text, lookup))).join(''), { mode: 0o600 });
    if (this.config !== null) await this.config.environ(this.envFile);
    fs.appendFileSync(this.envFile, this.plan.environment.map((line) => `${line}\n`).join(''));
    this.normaliseEnvironment();
  }

  private normaliseEnvironment(): void {
    fs.writeFileSync(this.envFile, normaliseEnvironment(fs.readFileSync(this.envFile, 'utf8')));
  }

  /** The image's /etc/fstab and the mounts.d files, substituted, in order. */
  private readMountFiles(): FstabEntry[] {
    const entries = parseFstab(substitute(readFileInside(this.rootFd, '/etc/fstab') ?? '', lookup), `${this.rootfs}/etc/fstab`);
    for (const file of configFiles(this.dirs, 'mounts.d', '.fstab')) entries.push(...parseFstab(substitute(readRegularFile(file) ?? '', lookup), file));
    return entries;
  }

  /** Hooks get an empty ENROOT_MOUNTS; what they append with pass number 0 is mounted after them. */
  private async runHooks(): Promise<void> {
    fs.writeFileSync(this.mountFile, '', { mode: 0o600 });
    const hooks = configFiles(this.dirs, 'hooks.d', '.sh');
    if (hooks.length > 0) {
      await (await import('./hooks.js')).runHooks(hooks, {
        env: hookEnvironment(this.plan.helpersDir),
        rootfs: this.rootfs,
        rootFd: this.rootFd,
        environFile: this.envFile,
        mountsFile: this.mountFile,
        runtimeDir: this.plan.runtimeDir,
        mount: (entries) => performEntries(entries, this.mountContext()),
        warn: (message) => log.warn(message),
      });
    }
    if (this.config !== null) await this.config.hooks();
    performEntries(withPass(parseFstab(fs.readFileSync(this.mountFile, 'utf8'), 'a hook (ENROOT_MOUNTS)'), 0), this.mountContext());
    this.normaliseEnvironment();
  }

  /** mounts() output and --mount values. */
  private async lateEntries(): Promise<FstabEntry[]> {
    const entries: FstabEntry[] = [];
    if (this.config !== null) {
      fs.writeFileSync(this.mountFile, '');
      await this.config.mounts(this.mountFile);
      entries.push(...parseFstab(fs.readFileSync(this.mountFile, 'utf8'), `mounts() of ${this.plan.configScript}`));
    }
    for (const line of this.plan.mounts) entries.push(...parseFstab(line, '--mount'));
    return entries;
  }

  private async commandScript(): Promise<string | null> {
    if (this.plan.rcFile !== undefined) return fs.readFileSync(this.plan.rcFile, 'utf8');
    return this.config === null ? null : this.config.rc(path.join(this.plan.runtimeDir, 'rc'));
  }

  /** Read-only rootfs unless --rw; /.enroot always read-only. */
  private protectRootfs(): void {
    if (!this.plan.writable) {
      mount(null, this.rootfs, null, MS.REMOUNT | MS.BIND | MS.RDONLY | MS.NOSUID | MS.NODEV | this.lockedFlags(this.rootfs), null);
    }
    const enrootDir = openIfPresent(this.rootFd, '/.enroot');
    if (enrootDir === null) return;
    try {
      if (!fs.statSync(fdPath(enrootDir)).isDirectory()) return;
      mount(fdPath(enrootDir), fdPath(enrootDir), null, MS.BIND | MS.REC, null);
    } finally {
      closeFd(enrootDir);
    }
    const bound = openInside(this.rootFd, '/.enroot');
    try {
      const target = fdPath(bound);
      mount(null, target, null, MS.REMOUNT | MS.BIND | MS.RDONLY | MS.NOSUID | MS.NODEV | this.lockedFlags(target), null);
      mount(null, target, null, MS.PRIVATE, null);
    } finally {
      closeFd(bound);
    }
  }

  private enterContainer(rcScript: string | null): never {
    const plan = this.plan;
    const env = loadEnvironment(fs.readFileSync(this.envFile, 'utf8'));
    switchRoot(this.rootfs);
    unshareCgroupNamespace();
    const login = plan.loginShell ? loginSetup(env, plan.innerUid, plan.outerUid, (message) => log.warn(message)) : null;
    if (login?.nologin !== undefined) {
      fs.writeSync(1, login.nologin);
      process.exit(0);
    }
    const program = initProgram({ env, login, rcScript, command: plan.command });
    if (program.banner !== '') fs.writeSync(1, program.banner);
    if (plan.innerUid !== 0) dropAllCapabilities();
    setNoNewPrivileges();
    execve(program.file, program.argv, program.env);
  }
}

function terminated(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

export function runStage2(plan: StartPlan): Promise<never> {
  return new Stage2(plan).run();
}
