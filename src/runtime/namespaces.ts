// The util-linux `unshare` command line that creates the container's namespaces (spec 9.3) and
// runs stage 2 inside them without forking: the PID stays the same from `enroot start` on.
import type { StartPlan } from './plan.js';

export function unshareArguments(plan: StartPlan): string[] {
  const args = ['unshare'];
  if (plan.userNamespace) {
    args.push(`--map-user=${plan.innerUid}`, `--map-group=${plan.innerGid}`, '--keep-caps');
  }
  // Host mounts keep propagating in; nothing propagates back out.
  args.push('--mount', '--propagation=slave');
  // The PID namespace is made by stage 2 (see pid-namespace.ts): Node needs threads, and the
  // caller of unshare(CLONE_NEWPID) can no longer create any.
  if (plan.unshare.net) args.push('--net');
  if (plan.unshare.ipc) args.push('--ipc');
  if (plan.unshare.uts) args.push('--uts');
  return args;
}
