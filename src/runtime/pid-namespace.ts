// `--pid` (spec 9.13). Node cannot run where unshare(CLONE_NEWPID) was called without a fork (no
// threads there), so stage 2 stays outside as the supervisor and runs the rest of itself through
// `unshare --pid --fork --kill-child` as PID 1 of the new namespace. The supervisor forwards signals,
// and exits with the container's status or dies of the container's signal. Parent-death signals
// chain supervisor -> unshare -> container, so the container dies with `enroot start`.
// A PID 1 ignores signals it has no handler for; the supervisor applies their default action instead.
import { childProcess } from '../lazy-builtins.js';
import fs from 'node:fs';
import os from 'node:os';
import { PID_CHILD_MARKER, stage2Environment, type StartPlan } from './plan.js';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT', 'SIGALRM'];
// Signals whose default action ends the process.
const TERMINATING = new Set<NodeJS.Signals>(['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGALRM']);
const DISCOVERY_TIMEOUT_MS = 5_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The container process: the child unshare forked. */
function containerPid(unsharePid: number): number | null {
  const deadline = Date.now() + DISCOVERY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const first = fs.readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(' ')[0];
      if (first !== undefined && first !== '') return Number(first);
    } catch {
      return null;
    }
    sleepSync(1);
  }
  return null;
}

function catches(statusFd: number, signal: NodeJS.Signals): boolean {
  const buffer = Buffer.alloc(4096);
  const length = fs.readSync(statusFd, buffer, 0, buffer.length, 0);
  const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(buffer.subarray(0, length).toString())?.[1];
  if (caught === undefined) return true;
  return ((BigInt(`0x${caught}`) >> BigInt(os.constants.signals[signal] - 1)) & 1n) === 1n;
}

/** Runs the rest of stage 2 as PID 1 of a new PID namespace and mirrors its end. */
export function superviseContainer(plan: StartPlan, stage2: string): void {
  const unshare = childProcess().spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', '--pid', '--fork', '--kill-child', '--', process.execPath, stage2, PID_CHILD_MARKER], {
    stdio: 'inherit',
    env: stage2Environment(process.env, plan),
  });
  const container = unshare.pid === undefined ? null : containerPid(unshare.pid);
  // Opened now, while /proc is still the host's: the container gets its own later.
  const statusFd = container === null ? null : fs.openSync(`/proc/${container}/status`, 'r');
  let reraise: NodeJS.Signals | null = null;
  for (const signal of FORWARDED) {
    process.on(signal, () => {
      if (container === null || statusFd === null) return;
      if (TERMINATING.has(signal) && !catches(statusFd, signal)) {
        reraise = signal;
        process.kill(container, 'SIGKILL');
      } else {
        process.kill(container, signal);
      }
    });
  }
  unshare.on('exit', (code, signal) => {
    const fatal = reraise ?? signal;
    if (fatal !== null) {
      process.removeAllListeners(fatal);
      process.kill(process.pid, fatal);
    }
    process.exit(code ?? 1);
  });
}
