// The standard hook 98-nvidia, built in: the NVIDIA_* request of the container, applied by the
// backend this host has (spec 11.5, with CDI and built-in discovery beside nvidia-container-cli).
import fs from 'node:fs';
import type { BuiltinHookContext } from '../runtime/builtin-hooks.js';
import { applyEdits } from './apply.js';
import { backendEdits, chooseBackend } from './backend.js';
import { runContainerCli } from './container-cli.js';
import { hostFacts } from './facts.js';
import { hostFile, realHost, type HostView } from './host.js';
import { effectiveLookup, gpuRequest, variableNames } from './request.js';
import { checkRequirements } from './require.js';

/** Devices compute programs may use when the host has them (GPUDirect RDMA, IMEX channels). */
const COMPUTE_EXTRAS = [
  { source: '/dev/gdrdrv', kind: 'file' },
  { source: '/dev/nvidia-caps-imex-channels', kind: 'dir' },
];

function moduleLoaded(view: HostView, name: string): boolean {
  try {
    return fs.readFileSync(hostFile(view, '/proc/modules'), 'utf8').split('\n').some((line) => line.startsWith(`${name} `));
  } catch {
    return true;
  }
}

export function nvidiaHook(context: BuiltinHookContext, view: HostView = realHost(context.env.PATH)): void {
  const environ = fs.readFileSync(context.environFile, 'utf8');
  const request = gpuRequest(effectiveLookup(context.env, environ), variableNames(context.env, environ));
  if (request === null) return;
  if (!moduleLoaded(view, 'nvidia_uvm')) context.warn('Kernel module nvidia_uvm is not loaded: CUDA programs will fail until it is (modprobe nvidia_uvm as root)');
  if (request.capabilities.has('compute')) {
    context.mount(
      COMPUTE_EXTRAS.map(({ source, kind }) => ({ source, target: source, type: 'none', options: `x-create=${kind},bind,ro,nosuid,noexec,private,nofail,silent`, pass: 0, origin: 'the NVIDIA hook' })).filter(
        ({ source }) => fs.existsSync(hostFile(view, source)),
      ),
    );
  }
  const backend = chooseBackend(view, context.env.PATH);
  if (backend.kind === 'nvidia-container-cli') {
    runContainerCli(backend.program, request, context.rootfs, context.env);
    return;
  }
  checkRequirements(request.requires, hostFacts(view));
  const { edits, warnings } = backendEdits(backend, view, request, context.rootfs);
  for (const warning of warnings) context.warn(warning);
  applyEdits(edits, context);
}
