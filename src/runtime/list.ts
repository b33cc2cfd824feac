// `enroot list` (spec 8.5): the containers in ENROOT_DATA_PATH, and with --fancy every process
// running in each. A process belongs to a container when the root mount of its mount namespace is
// that container's directory, or the overlay of an image start (listed by the image's path).
import fs from 'node:fs';
import path from 'node:path';
import { readMountInfo, type MountInfo } from './mountinfo.js';
import { namespaceId, processIds, processRow, type ProcessRow } from './processes.js';

export function containerNames(dataDir: string, directoriesOnly: boolean): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dataDir);
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.startsWith('.'))
    .filter((name) => !directoriesOnly || fs.statSync(path.join(dataDir, name), { throwIfNoEntry: false })?.isDirectory() === true)
    .sort();
}

interface DataLocation {
  device: string;
  /** DATA as a path inside its filesystem. */
  fsPath: string;
}

function locateData(dataDir: string): DataLocation | null {
  const real = fs.realpathSync(dataDir);
  let best: MountInfo | undefined;
  for (const mount of readMountInfo('self')) {
    const inside = real === mount.mountPoint || real.startsWith(mount.mountPoint === '/' ? '/' : `${mount.mountPoint}/`);
    if (inside && (best === undefined || mount.mountPoint.length >= best.mountPoint.length)) best = mount;
  }
  if (best === undefined) return null;
  return { device: best.device, fsPath: path.posix.join(best.root, path.relative(best.mountPoint, real)) };
}

/** What the root mount of a mount namespace says about it. */
type Identity = { name: string } | { image: 'from-daemon' } | null;

function identify(pid: number, data: DataLocation | null): Identity {
  const roots = readMountInfo(pid).filter((mount) => mount.mountPoint === '/');
  const root = roots[roots.length - 1];
  if (root === undefined) return null;
  if (data !== null && root.device === data.device && root.root.startsWith(`${data.fsPath}/`)) {
    return { name: root.root.slice(data.fsPath.length + 1).split('/')[0] as string };
  }
  // A kernel overlay of an image start carries the image path as its source.
  if (root.fsType === 'overlay' && root.source.startsWith('/')) return { name: root.source };
  // fuse-overlayfs cannot carry it: the squashfuse daemon in the same namespace names the image.
  if (root.fsType === 'fuse.fuse-overlayfs') return { image: 'from-daemon' };
  return null;
}

/** The image a squashfuse daemon serves: `squashfuse [-f] [-o OPTS] IMAGE MOUNTPOINT`. */
function imageOfDaemon(rows: readonly ProcessRow[]): string {
  const daemon = rows.find((row) => row.comm === 'squashfuse');
  const args = daemon?.command.split(' ') ?? [];
  return args.length >= 3 ? (args[args.length - 2] as string) : '<unknown>';
}

/** Processes per container; a process that exits while being read is left out. */
export function runningContainers(dataDir: string): Map<string, ProcessRow[]> {
  const data = locateData(dataDir);
  const ownNamespace = namespaceId('self', 'mnt');
  const namespaces = new Map<string, { identity: Identity; rows: ProcessRow[] }>();
  for (const pid of processIds()) {
    try {
      const namespace = namespaceId(pid, 'mnt');
      if (namespace === ownNamespace) continue;
      let entry = namespaces.get(namespace);
      if (entry === undefined) namespaces.set(namespace, (entry = { identity: identify(pid, data), rows: [] }));
      if (entry.identity !== null) entry.rows.push(processRow(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  const running = new Map<string, ProcessRow[]>();
  for (const { identity, rows } of namespaces.values()) {
    if (identity === null || rows.length === 0) continue;
    const name = 'name' in identity ? identity.name : imageOfDaemon(rows);
    running.set(name, [...(running.get(name) ?? []), ...rows]);
  }
  return running;
}

const HEADER = ['NAME', 'PID', 'COMM', 'STATE', 'STARTED', 'TIME', 'MNTNS', 'USERNS', 'COMMAND'];

export function fancyListing(dataDir: string): string {
  const running = runningContainers(dataDir);
  const names = [...new Set([...containerNames(dataDir, true), ...running.keys()])].sort();
  const rows: string[][] = [HEADER];
  for (const name of names) {
    const processes = running.get(name) ?? [];
    if (processes.length === 0) rows.push([name]);
    processes.forEach((p, index) => {
      rows.push([index === 0 ? name : '', String(p.pid), p.comm, p.state, p.started, p.elapsed, p.mntns, p.userns, p.command]);
    });
  }
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd((widths[column] as number) + 2))).join('').trimEnd())
    .map((line) => `${line}\n`)
    .join('');
}
