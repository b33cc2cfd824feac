// `enroot exec` (spec 12): run a command in the namespaces, environment and working directory of a
// running process. util-linux nsenter joins the namespaces (Node's threads cannot); this process
// first takes the target's environment and, for a user-namespace target, the fake-root filter.
import fs from 'node:fs';
import { EnrootError } from '../errors.js';
import { installFakeRootFilter } from '../sys/seccomp.js';
import { execve, setNoNewPrivileges } from '../sys/process.js';
import { environmentArgument, isValidEnvironmentArgument, loadEnvironment } from './environment.js';
import { namespaceId, type NamespaceKind } from './processes.js';
import { findProgram } from './programs.js';

export interface ExecRequest {
  pid: string;
  command: string[];
  environment: string[];
  /** The caller's environment, for bare `--env NAME`, and its PATH to find nsenter. */
  callerEnvironment: Record<string, string>;
}

function targetPid(text: string): number {
  const pid = /^\d+$/.test(text) ? Number(text) : NaN;
  try {
    if (Number.isNaN(pid) || pid === 0) throw new Error('not a process id');
    process.kill(pid, 0);
  } catch {
    throw new EnrootError(`Process not found: ${text}`);
  }
  return pid;
}

const NSENTER_OPTIONS: readonly (readonly [NamespaceKind, string])[] = [
  ['user', '--user'],
  ['pid', '--pid'],
  ['mnt', '--mount'],
  ['net', '--net'],
  ['ipc', '--ipc'],
  ['uts', '--uts'],
  ['cgroup', '--cgroup'],
];

/** nsenter options for the namespaces of `pid` that differ from ours (entering the same one can fail). */
function namespaceOptions(pid: number): string[] {
  return NSENTER_OPTIONS.filter(([kind]) => namespaceId(pid, kind) !== namespaceId('self', kind)).map(([, option]) => option);
}

export function execInContainer(request: ExecRequest): never {
  for (const value of request.environment) {
    if (!isValidEnvironmentArgument(value)) throw new EnrootError(`Invalid argument: ${value} (a --env value is NAME or NAME=VALUE)`);
  }
  const pid = targetPid(request.pid);
  const nsenter = findProgram('nsenter', request.callerEnvironment.PATH);
  let initial: string;
  try {
    initial = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').join('\n');
  } catch {
    throw new EnrootError(`Process not found: ${pid} (its environment is not readable by you)`);
  }
  const extra = request.environment.map((value) => environmentArgument(value, (name) => request.callerEnvironment[name]));
  const env = loadEnvironment(`${initial}\n${extra.join('\n')}`);
  const namespaces = namespaceOptions(pid);
  if (namespaces.includes('--user')) {
    setNoNewPrivileges();
    installFakeRootFilter();
  }
  execve(nsenter, ['nsenter', `--target=${pid}`, ...namespaces, '--preserve-credentials', '--root', '--wd', '--', ...request.command], env);
}
