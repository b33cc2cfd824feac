// NVIDIA_* semantics: which devices and capabilities a container asks for, where the values come
// from, NVIDIA_REQUIRE_* constraints, and the nvidia-container-cli command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerCliArgs } from '../../src/gpu/container-cli.js';
import { effectiveLookup, gpuRequest, gpusRequested, hcasRequested, parseCapabilities, variableNames } from '../../src/gpu/request.js';
import { checkRequirements, type DriverFacts } from '../../src/gpu/require.js';

function request(env: Record<string, string>, environFile = '') {
  return gpuRequest(effectiveLookup(env, environFile), variableNames(env, environFile));
}

test('unset, empty and void ask for nothing; none asks for the driver without devices; all and lists pass through', () => {
  assert.equal(request({}), null);
  assert.equal(request({ NVIDIA_VISIBLE_DEVICES: '' }), null);
  assert.equal(request({ NVIDIA_VISIBLE_DEVICES: 'void' }), null);
  assert.deepEqual(request({ NVIDIA_VISIBLE_DEVICES: 'none' })?.devices, []);
  assert.equal(request({ NVIDIA_VISIBLE_DEVICES: 'all' })?.devices, 'all');
  assert.deepEqual(request({ NVIDIA_VISIBLE_DEVICES: '0, GPU-x' })?.devices, ['0', 'GPU-x']);
});

test('the hook gate: GPUs are asked for by the host environment or the image environment; void or empty asks for none', () => {
  assert.equal(gpusRequested({}, ''), false);
  assert.equal(gpusRequested({}, 'PATH=/bin\nNVIDIA_VISIBLE_DEVICES=void\n'), false);
  assert.equal(gpusRequested({}, 'NVIDIA_VISIBLE_DEVICES=all\n'), true);
  assert.equal(gpusRequested({ NVIDIA_VISIBLE_DEVICES: 'none' }, ''), true);
  assert.equal(gpusRequested({ NVIDIA_VISIBLE_DEVICES: '' }, ''), false);
});

test('the HCA hook gate: MELLANOX_VISIBLE_DEVICES from either environment; void, none or empty asks for none', () => {
  assert.equal(hcasRequested({}, ''), false);
  assert.equal(hcasRequested({ MELLANOX_VISIBLE_DEVICES: 'none' }, ''), false);
  assert.equal(hcasRequested({}, 'MELLANOX_VISIBLE_DEVICES=void\n'), false);
  assert.equal(hcasRequested({}, 'MELLANOX_VISIBLE_DEVICES=0,1\n'), true);
  assert.equal(hcasRequested({ MELLANOX_VISIBLE_DEVICES: 'all' }, ''), true);
});

test('the host environment wins; else the last value in the environment file counts', () => {
  const file = 'NVIDIA_VISIBLE_DEVICES=0\nNVIDIA_VISIBLE_DEVICES=1\nNVIDIA_DRIVER_CAPABILITIES=compute\n';
  assert.deepEqual(request({}, file)?.devices, ['1']);
  assert.deepEqual([...(request({}, file)?.capabilities ?? [])], ['compute']);
  assert.equal(request({ NVIDIA_VISIBLE_DEVICES: 'all' }, file)?.devices, 'all');
});

test('capabilities default to utility; all means all six; an unknown one is one clear error', () => {
  assert.deepEqual([...parseCapabilities(undefined)], ['utility']);
  assert.deepEqual([...parseCapabilities('compute,utility')], ['compute', 'utility']);
  assert.equal(parseCapabilities('all').size, 6);
  assert.throws(() => parseCapabilities('compute,gpu'), /^EnrootError: Unknown NVIDIA driver capability: gpu \(NVIDIA_DRIVER_CAPABILITIES takes/);
});

test('NVIDIA_REQUIRE_* are collected unless NVIDIA_DISABLE_REQUIRE; MIG settings are kept', () => {
  const env = { NVIDIA_VISIBLE_DEVICES: 'all', NVIDIA_REQUIRE_CUDA: 'cuda>=12.0', NVIDIA_MIG_CONFIG_DEVICES: 'all' };
  assert.deepEqual(request(env, 'NVIDIA_REQUIRE_DRIVER=driver>=500\n')?.requires, ['cuda>=12.0', 'driver>=500']);
  assert.deepEqual(request({ ...env, NVIDIA_DISABLE_REQUIRE: '1' })?.requires, []);
  assert.deepEqual(request({ ...env, NVIDIA_DISABLE_REQUIRE: 'false' })?.requires, ['cuda>=12.0']);
  assert.equal(request(env)?.migConfig, 'all');
});

const facts: DriverFacts = { driver: () => '580.1.2', cuda: () => '13.0', arch: () => ['9.0'], brand: () => ['NVIDIA'] };

test('constraints: commas join conditions, blanks separate alternatives, every variable must hold', () => {
  checkRequirements(['cuda>=12.0', 'driver>=580,driver<581', 'cuda>=14.0 arch=9.0', 'brand=nvidia'], facts);
  assert.throws(
    () => checkRequirements(['cuda>=14.0 driver>=600'], facts),
    /^EnrootError: Unsatisfied NVIDIA requirement: cuda>=14.0 driver>=600 \(this host has driver 580.1.2, CUDA 13.0\); upgrade the driver, or set NVIDIA_DISABLE_REQUIRE=1$/,
  );
  assert.throws(() => checkRequirements(['memory>=1'], facts), /Invalid NVIDIA requirement: memory>=1/);
});

test('nvidia-container-cli gets the reference\'s configure command line', () => {
  const req = request({ NVIDIA_VISIBLE_DEVICES: '0,1', NVIDIA_DRIVER_CAPABILITIES: 'utility,compute', NVIDIA_REQUIRE_CUDA: 'cuda>=12.0', NVIDIA_MIG_MONITOR_DEVICES: 'all' });
  assert.ok(req !== null);
  assert.deepEqual(containerCliArgs(req, '/rootfs', '/sbin/ldconfig.real', false), [
    '--user',
    'configure',
    '--no-cgroups',
    '--ldconfig=@/sbin/ldconfig.real',
    '--device=0,1',
    '--mig-monitor=all',
    '--compute',
    '--utility',
    '--require=cuda>=12.0',
    '/rootfs',
  ]);
  const none = request({ NVIDIA_VISIBLE_DEVICES: 'none' });
  assert.ok(none !== null);
  assert.deepEqual(containerCliArgs(none, '/r', '/sbin/ldconfig', true).slice(0, 3), ['--user', '--debug=/dev/stderr', 'configure']);
  assert.ok(!containerCliArgs(none, '/r', '/sbin/ldconfig', true).some((arg) => arg.startsWith('--device')));
});
