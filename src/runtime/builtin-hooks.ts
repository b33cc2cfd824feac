// Standard hooks built into enroot (design decision 4). The installed hooks.d file keeps the
// reference's name and can be removed or made non-executable like any hook; a marker line in it
// makes the runtime perform the hook in-process instead of running the file.
import fs from 'node:fs';
import { gpusRequested, hcasRequested } from '../gpu/request.js';
import type { FstabEntry } from './fstab.js';
import { aptfixHook } from './standard-hooks/aptfix.js';
import { cgroupsHook } from './standard-hooks/cgroups.js';
import { devicesHook } from './standard-hooks/devices.js';
import { homeHook } from './standard-hooks/home.js';
import { localtimeHook } from './standard-hooks/localtime.js';
import { shadowHook } from './standard-hooks/shadow.js';

export interface BuiltinHookContext {
  /** What a script hook would see as its environment. */
  env: NodeJS.ProcessEnv;
  rootfs: string;
  /** O_PATH handle on the rootfs, to create files inside it safely. */
  rootFd: number;
  environFile: string;
  /** ENROOT_MOUNTS: fstab lines performed once every hook has run. */
  mountsFile: string;
  runtimeDir: string;
  /** Performs fstab entries inside the rootfs at once. */
  mount(entries: readonly FstabEntry[]): void;
  warn(message: string): void;
}

export type BuiltinHook = (context: BuiltinHookContext) => void | Promise<void>;

type DevicesRequested = (env: NodeJS.ProcessEnv, environFile: string) => boolean;

/** A hook whose code (several ms to load) is loaded only for a container that asks for its devices. */
function loadedOnRequest(requested: DevicesRequested, load: () => Promise<BuiltinHook>): () => Promise<BuiltinHook> {
  return async () => async (context) => {
    if (requested(context.env, fs.readFileSync(context.environFile, 'utf8'))) await (await load())(context);
  };
}

// The 10-* hooks run at every start and are small: bundled with this module, they cost no file read
// of their own. The GPU and HCA hooks are large and rarely asked for.
const BUILTINS: Readonly<Record<string, () => Promise<BuiltinHook>>> = {
  aptfix: async () => aptfixHook,
  cgroups: async () => cgroupsHook,
  devices: async () => devicesHook,
  home: async () => homeHook,
  localtime: async () => localtimeHook,
  shadow: async () => shadowHook,
  nvidia: loadedOnRequest(gpusRequested, async () => (await import('../gpu/hook.js')).nvidiaHook),
  mellanox: loadedOnRequest(hcasRequested, async () => (await import('../gpu/mellanox-hook.js')).mellanoxHook),
};

const MARKER = /^# enroot-builtin: ([a-z0-9-]+)$/m;

/** The built-in hook a hooks.d file stands for, or null for a script to run. */
export async function builtinHook(file: string): Promise<BuiltinHook | null> {
  let head: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(512);
      head = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const name = MARKER.exec(head)?.[1];
  const load = name === undefined ? undefined : BUILTINS[name];
  return load === undefined ? null : load();
}
