// The 99-mellanox hook's plan against a fake sysfs tree: HCAs grouped by PCI function, selection by
// id, the sysfs classes covered by tmpfs, and management devices for a real superuser only.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { hcaPlan, hostHcas, selectHcas } from '../../src/gpu/mellanox.js';
import { fakeHcas } from '../fixtures/gpu-host.js';

const host = fakeHcas(['0000:81:00.0', '0000:02:00.0']);
after(() => host.remove());

test('HCAs come in PCI order, each with its own verbs device, interface and mad devices', () => {
  const hcas = hostHcas(host.view);
  assert.deepEqual(hcas.map((hca) => hca.verbs.map((verbs) => verbs.devnode)), [['/dev/infiniband/uverbs1'], ['/dev/infiniband/uverbs0']]);
  assert.deepEqual(hcas.map((hca) => hca.interfaces.map((iface) => iface.name)), [['mlx5_1'], ['mlx5_0']]);
  assert.equal(hcas[0]?.interfaces[0]?.sysfs, '/sys/devices/pci0000:00/0000:02:00.0/infiniband/mlx5_1');
});

test('ids select HCAs; an unknown id is one clear error', () => {
  const hcas = hostHcas(host.view);
  assert.equal(selectHcas(hcas, 'all').length, 2);
  assert.deepEqual(selectHcas(hcas, '1').map((hca) => hca.verbs[0]?.name), ['uverbs0']);
  assert.throws(() => selectHcas(hcas, '0,5'), /^EnrootError: Unknown MELLANOX device id: 5 \(this host has 2 HCA\(s\), ids 0-1;/);
  assert.throws(() => selectHcas(hcas, 'mlx5_0'), /Unknown MELLANOX device id: mlx5_0/);
});

test('the plan covers the sysfs classes, binds the selected devices and links their sysfs entries', () => {
  const [first] = selectHcas(hostHcas(host.view), '0');
  const plan = hcaPlan(host.view, first === undefined ? [] : [first], false, '/etc/libibverbs.d');
  assert.deepEqual(
    plan.entries.map((entry) => `${entry.source} ${entry.target} ${entry.type}`),
    [
      'tmpfs /sys/class/infiniband tmpfs',
      'tmpfs /sys/class/infiniband_verbs tmpfs',
      '/sys/class/infiniband_verbs/abi_version /sys/class/infiniband_verbs/abi_version none',
      'tmpfs /sys/class/infiniband_cm tmpfs',
      '/sys/class/infiniband_cm/abi_version /sys/class/infiniband_cm/abi_version none',
      'tmpfs /sys/class/infiniband_mad tmpfs',
      '/sys/class/infiniband_mad/abi_version /sys/class/infiniband_mad/abi_version none',
      '/dev/infiniband/rdma_cm /dev/infiniband/rdma_cm none',
      '/dev/infiniband/uverbs1 /dev/infiniband/uverbs1 none',
    ],
  );
  assert.match(plan.entries[3]?.options ?? '', /nofail,silent$/);
  assert.deepEqual(plan.symlinks.map((link) => link.link), ['/sys/class/infiniband_verbs/uverbs1', '/sys/class/infiniband/mlx5_1']);
  const superuser = hcaPlan(host.view, first === undefined ? [] : [first], true, '/etc/libibverbs.d');
  assert.deepEqual(superuser.symlinks.map((link) => link.link).slice(2), ['/sys/class/infiniband_mad/issm1', '/sys/class/infiniband_mad/umad1']);
});

test('MELLANOX_CONFIG_DIR is bound read-only at /etc/libibverbs.d when the host has it', () => {
  host.write('/opt/ibverbs/mlx5.driver', 'driver mlx5\n');
  const plan = hcaPlan(host.view, [], false, '/opt/ibverbs');
  assert.equal(plan.entries.at(-1)?.target, '/etc/libibverbs.d');
  assert.equal(plan.entries.at(-1)?.source, '/opt/ibverbs');
});
