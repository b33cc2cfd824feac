// Reading /proc/<pid>/mountinfo.
import fs from 'node:fs';

export interface MountInfo {
  device: string;
  /** The path inside its filesystem that is mounted. */
  root: string;
  mountPoint: string;
  fsType: string;
  source: string;
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_match, code: string) => String.fromCharCode(parseInt(code, 8)));
}

export function readMountInfo(pid: number | 'self'): MountInfo[] {
  const mounts: MountInfo[] = [];
  for (const line of fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-');
    if (separator < 0 || fields.length < separator + 3) continue;
    mounts.push({
      device: fields[2] as string,
      root: unescape(fields[3] as string),
      mountPoint: unescape(fields[4] as string),
      fsType: fields[separator + 1] as string,
      source: unescape(fields[separator + 2] as string),
    });
  }
  return mounts;
}
