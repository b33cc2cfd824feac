// What the host's driver is, for NVIDIA_REQUIRE_* checks, read only when a check asks.
import fs from 'node:fs';
import { BINARY_DIRS } from './driver-files.js';
import { findHostProgram, hostFile, type HostView } from './host.js';
import type { DriverFacts } from './require.js';

function once<T>(read: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: read() }).v;
}

export function hostFacts(view: HostView): DriverFacts {
  const smi = once(() => findHostProgram(view, 'nvidia-smi', BINARY_DIRS));
  const query = (args: string[]): string => {
    const program = smi();
    const result = program === null ? null : view.run(hostFile(view, program), args);
    return result === null || result.status !== 0 ? '' : result.stdout;
  };
  const report = once(() => query(['-q']));
  return {
    driver: once(() => {
      for (const file of ['/proc/driver/nvidia/version', '/sys/module/nvidia/version']) {
        try {
          const text = fs.readFileSync(hostFile(view, file), 'utf8');
          const match = /Kernel Module\s+(?:for \S+\s+)?(\d+(?:\.\d+)+)/.exec(text) ?? /^(\d+(?:\.\d+)+)/.exec(text.trim());
          if (match !== null) return match[1];
        } catch {
          // next source
        }
      }
      return undefined;
    }),
    cuda: once(() => /CUDA Version\s*:\s*(\d+(?:\.\d+)*)/.exec(report())?.[1]),
    arch: once(() => query(['--query-gpu=compute_cap', '--format=csv,noheader']).split('\n').map((line) => line.trim()).filter((line) => line !== '')),
    brand: once(() => [...report().matchAll(/Product Brand\s*:\s*(.+)/g)].map((match) => (match[1] as string).trim())),
  };
}
