// The standard hook 10-cgroups, built in: the container sees only its own cgroups, read-only. Each
// hierarchy's mount point is covered by the container's own subtree of it (its job's, one level up,
// under Slurm: SLURM_STEP_ID), and /sys/fs/cgroup is made read-only. With --net (ENROOT_UNSHARE_NET)
// the fresh sysfs lacks the host's cgroup mount points, so a tmpfs gives them a place first.
import fs from 'node:fs';
import type { BuiltinHookContext } from '../builtin-hooks.js';
import { appendMounts, isSet } from './hook-io.js';

const NET_PLACEHOLDER = 'tmpfs /sys/fs/cgroup tmpfs x-create=dir,rw,nosuid,nodev,noexec,mode=755';
const READ_ONLY = 'none /sys/fs/cgroup none rbind,remount,nosuid,noexec,nodev,ro,rslave,nofail,silent';

interface CgroupMount {
  point: string;
  /** The directory of the hierarchy mounted there. */
  root: string;
  /** The super options, comma-delimited on both sides so that `,cpu,` matches one controller. */
  options: string;
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

/** The first cgroup2 mount and every cgroup (v1) mount of a mountinfo text, fields kept escaped as fstab wants them. */
function cgroupMounts(mountinfo: string): { v2: CgroupMount | undefined; v1: CgroupMount[] } {
  let v2: CgroupMount | undefined;
  const v1: CgroupMount[] = [];
  for (const line of lines(mountinfo)) {
    const fields = line.trim().split(/\s+/);
    const separator = fields.indexOf('-', 6);
    if (separator < 0) continue;
    const type = fields[separator + 1];
    const mount = { point: fields[4] ?? '', root: fields[3] ?? '', options: `,${fields[separator + 3] ?? ''},` };
    if (type === 'cgroup2') v2 ??= mount;
    else if (type === 'cgroup') v1.push(mount);
  }
  return { v2, v1 };
}

/**
 * One read-only bind per hierarchy of /proc/self/cgroup (`id:controllers:path`): the process's own
 * directory, relative to the root of the hierarchy's mount, over that mount point; `suffix` ("/.."
 * under Slurm) is appended to a directory below the root.
 */
export function cgroupEntries(mountinfo: string, cgroup: string, suffix: string): string[] {
  const { v2, v1 } = cgroupMounts(mountinfo);
  const seen = new Set<string>();
  const entries: string[] = [];
  for (const line of lines(cgroup)) {
    const [id = '', controllers = ''] = line.split(':');
    let path = line.slice(id.length + controllers.length + 2);
    const wanted = controllers.split(',').map((controller) => `,${controller},`);
    const mount = controllers === '' ? v2 : v1.find(({ options }) => wanted.every((controller) => options.includes(controller)));
    if (mount === undefined || seen.has(mount.point)) continue;
    seen.add(mount.point);
    if (mount.root !== '/' && path.startsWith(mount.root)) path = path.slice(mount.root.length);
    if (path === '/') path = '';
    entries.push(`${mount.point}${path}${path === '' ? '' : suffix} ${mount.point} none x-create=dir,rbind,nosuid,noexec,nodev,ro`);
  }
  return entries;
}

export function cgroupsHook(context: BuiltinHookContext): void {
  const suffix = isSet(context, 'SLURM_STEP_ID') ? '/..' : '';
  const own = cgroupEntries(fs.readFileSync('/proc/self/mountinfo', 'utf8'), fs.readFileSync('/proc/self/cgroup', 'utf8'), suffix);
  appendMounts(context, [...(isSet(context, 'ENROOT_UNSHARE_NET') ? [NET_PLACEHOLDER] : []), ...own, READ_ONLY]);
}
