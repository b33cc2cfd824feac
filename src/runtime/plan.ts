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
  /**
   * Variables of the caller's environment that would slow down Node's start of stage 2, carried here
   * instead and put back before anything reads the environment (see STAGE2_DEFERRED_VARIABLES).
   */
  deferredEnvironment?: Record<string, string>;
}

/** NODE_EXTRA_CA_CERTS makes Node load and parse certificates at start-up (~45 ms here); stage 2 uses no TLS. */
export const STAGE2_DEFERRED_VARIABLES = ['NODE_EXTRA_CA_CERTS'];

/** The environment for starting stage 2: `environment` without the deferred variables, which go in the plan. */
export function stage2Environment(environment: NodeJS.ProcessEnv, plan: StartPlan): NodeJS.ProcessEnv {
  const deferred: Record<string, string> = {};
  const rest = { ...environment };
  for (const name of STAGE2_DEFERRED_VARIABLES) {
    const value = rest[name];
    if (value === undefined) continue;
    deferred[name] = value;
    delete rest[name];
  }
  return { ...rest, [PLAN_VARIABLE]: encodePlan({ ...plan, deferredEnvironment: deferred }) };
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
  const plan = JSON.parse(text) as StartPlan;
  Object.assign(process.env, plan.deferredEnvironment);
  return plan;
}
