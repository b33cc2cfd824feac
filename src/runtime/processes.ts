// What `list --fancy` shows of a process, read from /proc; every read may fail when it exits meanwhile.
import fs from 'node:fs';

export interface ProcessRow {
  pid: number;
  comm: string;
  state: string;
  started: string;
  elapsed: string;
  mntns: string;
  userns: string;
  command: string;
}

const CLOCK_TICKS = 100;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function bootTime(): number {
  return Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0);
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}

/** Like ps: the time of day when started within the last day, else the date. */
function startedText(start: number, now: number): string {
  const date = new Date(start * 1000);
  if (now - start < 24 * 3600) return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return `${MONTHS[date.getMonth()]} ${two(date.getDate())}`;
}

/** Like ps etime: [[DD-]hh:]mm:ss. */
function elapsedText(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const clock = `${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  if (days > 0) return `${days}-${two(hours)}:${clock}`;
  return hours > 0 ? `${two(hours)}:${clock}` : clock;
}

export type NamespaceKind = 'mnt' | 'user' | 'pid' | 'net' | 'ipc' | 'uts' | 'cgroup';

export function namespaceId(pid: number | 'self', kind: NamespaceKind): string {
  return /\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${pid}/ns/${kind}`))?.[1] ?? '';
}

export function processRow(pid: number): ProcessRow {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const afterComm = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trimEnd();
  const now = Math.floor(Date.now() / 1000);
  const start = Math.floor(bootTime() + Number(afterComm[19]) / CLOCK_TICKS);
  const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '').join(' ');
  return {
    pid,
    comm,
    state: afterComm[0] ?? '?',
    started: startedText(start, now),
    elapsed: elapsedText(Math.max(0, now - start)),
    mntns: namespaceId(pid, 'mnt'),
    userns: namespaceId(pid, 'user'),
    command: command === '' ? `[${comm}]` : command,
  };
}

export function processIds(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}
