// CDI specs: YAML and JSON files in /etc/cdi and /var/run/cdi, device names, the edits they give,
// and the fstab entries those become.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { editEntries } from '../../src/gpu/apply.js';
import { cdiEdits, loadCdiSpecs, NVIDIA_GPU_KIND } from '../../src/gpu/cdi.js';
import { parseYaml } from '../../src/gpu/yaml.js';
import { fakeHost } from '../fixtures/gpu-host.js';

// Shaped like `nvidia-ctk cdi generate` output.
const YAML_SPEC = `---
cdiVersion: 0.5.0
kind: nvidia.com/gpu
devices:
- name: "0"
  containerEdits:
    deviceNodes:
    - path: /dev/nvidia0
- name: GPU-aaaa
  containerEdits:
    deviceNodes:
      - path: /dev/nvidia0
- name: all
  containerEdits:
    deviceNodes:
    - path: /dev/nvidia0
    - path: /dev/nvidia1
containerEdits:
  env:
  - NVIDIA_VISIBLE_DEVICES=void
  deviceNodes:
  - path: /dev/nvidiactl
  hooks:
  - hookName: createContainer
    path: /usr/bin/nvidia-ctk
    args: [nvidia-ctk, hook, update-ldcache, --folder, /usr/lib/x86_64-linux-gnu]
  mounts:
  - hostPath: /usr/lib/x86_64-linux-gnu/libcuda.so.580.1.2   # the driver
    containerPath: /usr/lib/x86_64-linux-gnu/libcuda.so.580.1.2
    options: ["ro", "nosuid", "nodev", "bind"]
  - {hostPath: /run/nvidia-persistenced/socket, containerPath: /run/nvidia-persistenced/socket, options: [ro, nosuid, nodev, bind, noexec]}
`;

const host = fakeHost();
after(() => host.remove());

test('the YAML reader reads the block, flow and quoted forms of CDI specs', () => {
  assert.deepEqual(parseYaml('a: 1\nb:\n  - x\n  - "y: z"\nc: [p, \'q\']\nd: {e: true, f: ~}\n', 'test'), { a: 1, b: ['x', 'y: z'], c: ['p', 'q'], d: { e: true, f: null } });
  assert.deepEqual(parseYaml('l:\n- k: 1\n  m: two\n- k: 3\n', 'test'), { l: [{ k: 1, m: 'two' }, { k: 3 }] });
  assert.throws(() => parseYaml('a: &anchor 1\n', 'spec.yaml'), /Invalid YAML in spec.yaml line 1: unsupported YAML feature/);
});

test('specs are found in both directories; a device is named bare or fully qualified', () => {
  host.write('/etc/cdi/nvidia.yaml', YAML_SPEC);
  host.write('/etc/cdi/other.json', JSON.stringify({ cdiVersion: '0.5.0', kind: 'vendor.com/thing', devices: [{ name: 'x', containerEdits: {} }] }));
  host.write('/var/run/cdi/late.json', JSON.stringify({ cdiVersion: '0.5.0', kind: 'nvidia.com/gpu', devices: [{ name: '1', containerEdits: { deviceNodes: [{ path: '/dev/nvidia1' }] } }] }));
  const specs = loadCdiSpecs(host.root, NVIDIA_GPU_KIND);
  assert.deepEqual(specs.map((spec) => spec.file.slice(host.root.length)), ['/etc/cdi/nvidia.yaml', '/var/run/cdi/late.json']);
  const byIndex = cdiEdits(specs, ['nvidia.com/gpu=0', '1'], NVIDIA_GPU_KIND);
  assert.deepEqual(byIndex.deviceNodes.map((node) => node.path), ['/dev/nvidiactl', '/dev/nvidia0', '/dev/nvidia1']);
  assert.deepEqual(byIndex.env, ['NVIDIA_VISIBLE_DEVICES=void']);
  assert.deepEqual(byIndex.hooks[0]?.args, ['nvidia-ctk', 'hook', 'update-ldcache', '--folder', '/usr/lib/x86_64-linux-gnu']);
  assert.deepEqual(cdiEdits(specs, ['GPU-aaaa'], NVIDIA_GPU_KIND).deviceNodes.map((node) => node.path), ['/dev/nvidiactl', '/dev/nvidia0']);
  assert.deepEqual(cdiEdits(specs, 'all', NVIDIA_GPU_KIND).deviceNodes.map((node) => node.path), ['/dev/nvidiactl', '/dev/nvidia0', '/dev/nvidia1']);
  assert.deepEqual(cdiEdits(specs, [], NVIDIA_GPU_KIND).deviceNodes.map((node) => node.path), ['/dev/nvidiactl']);
});

test('unknown devices and broken specs are one clear error', () => {
  const specs = loadCdiSpecs(host.root, NVIDIA_GPU_KIND);
  assert.throws(() => cdiEdits(specs, ['7'], NVIDIA_GPU_KIND), /^EnrootError: Unknown CDI device: nvidia.com\/gpu=7 \(defined in .*nvidia.yaml, .*late.json: 0, GPU-aaaa, all, 1\)$/);
  assert.throws(() => cdiEdits(specs, ['vendor.com/thing=x'], NVIDIA_GPU_KIND), /Unsupported CDI device: vendor.com\/thing=x/);
  host.write('/var/run/cdi/broken.json', '{"kind": ');
  assert.throws(() => loadCdiSpecs(host.root, NVIDIA_GPU_KIND), /^EnrootError: Invalid CDI spec .*broken.json: .*\(fix or remove the file\)$/);
  host.write('/var/run/cdi/broken.json', JSON.stringify({ kind: 'nvidia.com/gpu', devices: [{ containerEdits: {} }] }));
  assert.throws(() => loadCdiSpecs(host.root, NVIDIA_GPU_KIND), /a device without a name/);
  fs.rmSync(path.join(host.root, 'var/run/cdi/broken.json'));
});

test('device nodes and mounts become fstab entries performed after the hooks (pass 0)', () => {
  const entries = editEntries(cdiEdits(loadCdiSpecs(host.root, NVIDIA_GPU_KIND).slice(0, 1), ['0'], NVIDIA_GPU_KIND));
  assert.deepEqual(
    entries.map((entry) => `${entry.source} ${entry.target} ${entry.type} ${entry.options} ${entry.pass}`),
    [
      '/dev/nvidiactl /dev/nvidiactl none x-create=file,bind,rw,nosuid,noexec,private 0',
      '/dev/nvidia0 /dev/nvidia0 none x-create=file,bind,rw,nosuid,noexec,private 0',
      '/usr/lib/x86_64-linux-gnu/libcuda.so.580.1.2 /usr/lib/x86_64-linux-gnu/libcuda.so.580.1.2 none x-create=file,ro,nosuid,nodev,bind 0',
      '/run/nvidia-persistenced/socket /run/nvidia-persistenced/socket none x-create=file,ro,nosuid,nodev,bind,noexec 0',
    ],
  );
});
