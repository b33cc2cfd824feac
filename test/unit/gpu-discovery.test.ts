// Built-in driver discovery against a fake driver tree: device nodes of the selected GPUs (in PCI
// order, by index or UUID), libraries by capability from the linker cache or the usual driver
// directories, programs, and the errors for a missing driver or an unknown device.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseBackend, describeBackend } from '../../src/gpu/backend.js';
import { discoverDriver, hostGpus } from '../../src/gpu/discovery.js';
import { hostFacts } from '../../src/gpu/facts.js';
import { parseLinkerCacheListing } from '../../src/gpu/host.js';
import { parseCapabilities, type GpuRequest } from '../../src/gpu/request.js';
import { DRIVER_VERSION, fakeDriver, fakeHost } from '../fixtures/gpu-host.js';

const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-gpu-rootfs-'));
fs.mkdirSync(path.join(rootfs, 'usr/lib64'), { recursive: true });
after(() => fs.rmSync(rootfs, { recursive: true, force: true }));

function request(devices: GpuRequest['devices'], caps: string): GpuRequest {
  return { devices, capabilities: parseCapabilities(caps), requires: [] };
}

test('the linker cache listing is read with word sizes', () => {
  const entries = parseLinkerCacheListing('3 libs found\n\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1\n\tlibcuda.so.1 (libc6) => /usr/lib/i386-linux-gnu/libcuda.so.1\n');
  assert.deepEqual(entries, [
    { name: 'libcuda.so.1', is64: true, path: '/usr/lib/x86_64-linux-gnu/libcuda.so.1' },
    { name: 'libcuda.so.1', is64: false, path: '/usr/lib/i386-linux-gnu/libcuda.so.1' },
  ]);
});

test('GPUs are ordered by PCI bus and selected by index or UUID', () => {
  const host = fakeDriver();
  try {
    assert.deepEqual(hostGpus(host.view).map((gpu) => gpu.minor), [1, 0]);
    const byIndex = discoverDriver(host.view, request(['0'], 'utility'), rootfs, 'x64');
    assert.deepEqual(byIndex.edits.deviceNodes.map((node) => node.path), ['/dev/nvidiactl', '/dev/nvidia-uvm', '/dev/nvidia-uvm-tools', '/dev/nvidia1']);
    const byUuid = discoverDriver(host.view, request(['GPU-bbbb'], 'utility'), rootfs, 'x64');
    assert.equal(byUuid.edits.deviceNodes.at(-1)?.path, '/dev/nvidia0');
    const all = discoverDriver(host.view, request('all', 'graphics'), rootfs, 'x64');
    assert.deepEqual(all.edits.deviceNodes.map((node) => node.path).slice(3), ['/dev/nvidia-modeset', '/dev/nvidia1', '/dev/nvidia0']);
    assert.deepEqual(discoverDriver(host.view, request([], 'utility'), rootfs, 'x64').edits.deviceNodes.length, 3);
    assert.throws(() => discoverDriver(host.view, request(['2'], 'utility'), rootfs, 'x64'), /^EnrootError: Unknown NVIDIA device: 2 \(this host has 2 GPU\(s\), indexes 0-1; see nvidia-smi -L\)$/);
    assert.throws(() => discoverDriver(host.view, request(['0:1'], 'utility'), rootfs, 'x64'), /MIG device 0:1 needs CDI specs or nvidia-container-cli/);
  } finally {
    host.remove();
  }
});

test('libraries and programs follow the capabilities, bound read-only with their soname links', () => {
  const host = fakeDriver();
  try {
    const utility = discoverDriver(host.view, request('all', 'utility'), rootfs, 'x64');
    assert.deepEqual(
      utility.edits.mounts.map((mount) => `${mount.hostPath} ${mount.containerPath} ${mount.options.join(',')}`),
      [
        `/usr/local/nvidia/lib64/libnvidia-ml.so.${DRIVER_VERSION} /usr/lib64/libnvidia-ml.so.${DRIVER_VERSION} bind,ro,nosuid,nodev,private`,
        '/usr/local/nvidia/bin/nvidia-smi /usr/bin/nvidia-smi bind,ro,nosuid,nodev,private',
      ],
    );
    assert.deepEqual(utility.edits.symlinks, [{ link: '/usr/lib64/libnvidia-ml.so.1', target: `libnvidia-ml.so.${DRIVER_VERSION}` }]);
    assert.deepEqual(utility.edits.libraryDirs, ['/usr/lib64']);
    assert.deepEqual(utility.missing, []);
    const compute = discoverDriver(host.view, request('all', 'compute,video'), rootfs, 'x64');
    assert.deepEqual(
      compute.edits.mounts.map((mount) => path.basename(mount.hostPath)),
      [`libcuda.so.${DRIVER_VERSION}`, `libnvidia-ptxjitcompiler.so.${DRIVER_VERSION}`],
    );
    assert.deepEqual(compute.missing, ['video']);
    const compat = discoverDriver(host.view, request('all', 'compute,compat32'), rootfs, 'x64');
    assert.ok(compat.edits.mounts.some((mount) => mount.containerPath === '/usr/lib/i386-linux-gnu/libcuda.so.1'));
  } finally {
    host.remove();
  }
});

test('the linker cache is used before the usual directories', () => {
  const host = fakeDriver();
  try {
    host.write(`/opt/driver/libnvidia-ml.so.${DRIVER_VERSION}`);
    host.symlink('/opt/driver/libnvidia-ml.so.1', `libnvidia-ml.so.${DRIVER_VERSION}`);
    const cached = fakeDriver(`\tlibnvidia-ml.so.1 (libc6,x86-64) => /opt/driver/libnvidia-ml.so.1\n`);
    fs.cpSync(path.join(host.root, 'opt'), path.join(cached.root, 'opt'), { recursive: true, verbatimSymlinks: true });
    const found = discoverDriver(cached.view, request('all', 'utility'), rootfs, 'x64');
    assert.equal(found.edits.mounts[0]?.hostPath, `/opt/driver/libnvidia-ml.so.${DRIVER_VERSION}`);
    cached.remove();
  } finally {
    host.remove();
  }
});

test('a host without the driver is one clear error', () => {
  const host = fakeHost();
  try {
    assert.throws(
      () => discoverDriver(host.view, request('all', 'utility'), rootfs, 'x64'),
      /^EnrootError: No NVIDIA driver found on this host \(missing \/dev\/nvidiactl and libnvidia-ml.so\): install the driver and load its kernel module, or unset NVIDIA_VISIBLE_DEVICES$/,
    );
  } finally {
    host.remove();
  }
});

test('the backend is CDI when a spec exists, else nvidia-container-cli when installed, else built in', () => {
  const host = fakeDriver();
  try {
    assert.equal(chooseBackend(host.view, '/nowhere').kind, 'builtin');
    host.write('/usr/bin/nvidia-container-cli', '#!/bin/sh\n', 0o755);
    assert.deepEqual(chooseBackend(host.view, '/nowhere'), { kind: 'nvidia-container-cli', program: '/usr/bin/nvidia-container-cli' });
    host.write('/etc/cdi/nvidia.json', JSON.stringify({ kind: 'nvidia.com/gpu', devices: [] }));
    assert.match(describeBackend(chooseBackend(host.view, '/nowhere')), /^cdi \(.*\/etc\/cdi\/nvidia.json\)$/);
  } finally {
    host.remove();
  }
});

test('the driver facts for NVIDIA_REQUIRE_* come from /proc and nvidia-smi', () => {
  const host = fakeDriver();
  try {
    const facts = hostFacts(host.view);
    assert.equal(facts.driver(), DRIVER_VERSION);
    assert.equal(facts.cuda(), undefined, 'the fake nvidia-smi prints nothing');
  } finally {
    host.remove();
  }
});
