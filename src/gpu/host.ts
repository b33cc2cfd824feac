// The host as the GPU support sees it: a filesystem prefix (`/`, or a fake tree in tests) and the
// host linker cache.
import { childProcess } from '../lazy-builtins.js';
import fs from 'node:fs';
import path from 'node:path';

export interface LinkerCacheEntry {
  /** The name a program asks for (libcuda.so.1). */
  name: string;
  is64: boolean;
  /** Host path, usually a symlink to the versioned file. */
  path: string;
}

export interface HostView {
  /** Prefix of every host path. */
  root: string;
  linkerCache(): LinkerCacheEntry[];
  /** Runs a host program; null when it cannot be run. */
  run(program: string, args: string[]): { status: number; stdout: string; stderr: string } | null;
}

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Lines of `ldconfig -p`: "\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1". */
export function parseLinkerCacheListing(text: string): LinkerCacheEntry[] {
  const entries: LinkerCacheEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s+(\S+) \(([^)]*)\)(?: OS ABI: [^=]*)? => (\S.*)$/.exec(line);
    if (match !== null) entries.push({ name: match[1] as string, is64: /x86-64|AArch64|64bit/.test(match[2] as string), path: (match[3] as string).trim() });
  }
  return entries;
}

export function hostFile(view: Pick<HostView, 'root'>, file: string): string {
  return path.join(view.root, file);
}

/** The first executable `name` in `dirs` (host paths), or null. */
export function findHostProgram(view: Pick<HostView, 'root'>, name: string, dirs: readonly string[]): string | null {
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      const file = hostFile(view, candidate);
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export function searchDirs(envPath: string | undefined): string[] {
  return [...new Set(`${envPath ?? ''}:${SYSTEM_PATH}`.split(':').filter((dir) => dir.startsWith('/')))];
}

/** The host's ldconfig (Ubuntu's ldconfig is a wrapper script around ldconfig.real), or null. */
export function findLdconfig(envPath: string | undefined): string | null {
  const dirs = searchDirs(envPath);
  return findHostProgram({ root: '/' }, 'ldconfig.real', dirs) ?? findHostProgram({ root: '/' }, 'ldconfig', dirs);
}

/** The real host, with `ldconfig -p` read once. */
export function realHost(envPath: string | undefined): HostView {
  let cache: LinkerCacheEntry[] | undefined;
  const view: HostView = {
    root: '/',
    linkerCache() {
      if (cache === undefined) {
        const ldconfig = findHostProgram(view, 'ldconfig', searchDirs(envPath));
        const listing = ldconfig === null ? null : view.run(ldconfig, ['-p']);
        cache = listing === null ? [] : parseLinkerCacheListing(listing.stdout);
      }
      return cache;
    },
    run(program, args) {
      const result = childProcess().spawnSync(program, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (result.error !== undefined) return null;
      return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    },
  };
  return view;
}
