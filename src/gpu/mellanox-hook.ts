// The standard hook 99-mellanox, built in: MELLANOX_VISIBLE_DEVICES taken from the host environment,
// else from the container's environment file; void, none or unset do nothing.
import fs from 'node:fs';
import type { BuiltinHookContext } from '../runtime/builtin-hooks.js';
import { outerId } from '../runtime/caller.js';
import { createSymlink } from './apply.js';
import { realHost, type HostView } from './host.js';
import { hcaPlan, hostHcas, selectHcas } from './mellanox.js';
import { effectiveLookup, hcasRequested } from './request.js';

export function mellanoxHook(context: BuiltinHookContext, view: HostView = realHost(context.env.PATH)): void {
  const environ = fs.readFileSync(context.environFile, 'utf8');
  if (!hcasRequested(context.env, environ)) return;
  const lookup = effectiveLookup(context.env, environ);
  const visible = lookup('MELLANOX_VISIBLE_DEVICES') as string;
  const superuser = (context.env.ENROOT_ALLOW_SUPERUSER ?? '') !== '' && outerId('uid') === 0;
  const selected = selectHcas(hostHcas(view), visible);
  if (selected.length === 0) return;
  const plan = hcaPlan(view, selected, superuser, lookup('MELLANOX_CONFIG_DIR') ?? '/etc/libibverbs.d');
  context.mount(plan.entries);
  for (const { link, target } of plan.symlinks) createSymlink(context.rootFd, link, target);
}
