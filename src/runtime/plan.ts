// What `enroot start` decided on the host, handed to stage 2 inside the namespaces.
export type RootfsSource = { kind: 'directory'; path: string } | { kind: 'image'; path: string };

export interface StartPlan {
  rootfs: RootfsSource;
  runtimeDir: string;
  /** The directory of enroot-mount, put in PATH for hooks. */
  helpersDir: string;
  sysconfDir: string;
  configDir: string;
  /** The --conf (or batch) script, absolute. */
  configScript?: string;
  /** The --rc script, absolute. */
  rcFile?: string;
  /** --env values as environment lines, in order. */
  environment: string[];
  /** --mount values as fstab lines, in order. */
  mounts: string[];
  command: string[];
  writable: boolean;
  userNamespace: boolean;
  unshare: { pid: boolean; net: boolean; ipc: boolean; uts: boolean };
  loginShell: boolean;
  nativeOverlay: boolean;
  /** ENROOT_DEBUG: stack traces of unexpected failures. */
  debug: boolean;
  outerUid: number;
  outerGid: number;
  innerUid: number;
  innerGid: number;
}

/**
 * The plan travels in this environment variable, readable only by its owner (an argument would be
 * world-readable in /proc, with the --env values in it). Stage 2 takes it out before anything runs.
 */
export const PLAN_VARIABLE = '__ENROOT_START_PLAN';

/** The argument of the stage 2 that runs as PID 1 of a new PID namespace (see pid-namespace.ts). */
export const PID_CHILD_MARKER = '--pid-child';

export function encodePlan(plan: StartPlan): string {
  return JSON.stringify(plan);
}

/** Reads and removes the plan from this process's environment. */
export function takePlan(): StartPlan {
  const text = process.env[PLAN_VARIABLE];
  delete process.env[PLAN_VARIABLE];
  if (text === undefined) throw new Error(`stage 2 runs only from enroot start (${PLAN_VARIABLE} is not set)`);
  return JSON.parse(text) as StartPlan;
}
