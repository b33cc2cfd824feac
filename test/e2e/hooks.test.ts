// The standard hooks and the extra ones, started for real as root and as an unprivileged user:
// each hook's effect inside the container, its switch, and its errors.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../fixtures/cli.js';
import { runtimeSandbox } from '../fixtures/runtime-containers.js';
import { testUsers } from '../fixtures/users.js';

const EXTRA_HOOKS = path.join(PROJECT_ROOT, 'conf', 'extra', 'hooks.d');

for (const user of testUsers()) {
  describe(`standard hooks as ${user.name} (uid ${user.uid})`, () => {
    const sandbox = runtimeSandbox(user);
    after(() => sandbox.remove());
    sandbox.container('c', (root) => {
      fs.writeFileSync(path.join(root, 'etc', 'passwd'), `root:x:0:0:old root:/root:/bin/sh\n_apt:x:100:65534::/nonexistent:/usr/sbin/nologin\nbroken line\n${user.name}:x:4242:4242:stale:/stale:/bin/sh\nkeep:x:5:5::/:/bin/sh\n`);
      fs.writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\nkeep:x:5:\n');
      fs.writeFileSync(path.join(root, 'etc', 'debian_version'), '12\n');
    });

    test('10-shadow puts root, nobody and the caller first in /etc/passwd and /etc/group and creates the home directory', async () => {
      const result = await sandbox.enroot(['start', 'c', 'sh', '-c', `cat /etc/passwd /etc/group; test -d ${user.home} && echo home`]);
      assert.equal(result.status, 0, result.stderr);
      const lines = result.stdout.split('\n');
      const passwd = lines.filter((line) => line.split(':').length === 7);
      const group = lines.filter((line) => line.split(':').length === 4);
      assert.deepEqual(passwd.slice(0, 2), ['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/:/sbin/nologin']);
      const own = passwd.filter((line) => line.startsWith(`${user.name}:`));
      assert.equal(own.length, 1, 'the stale entry of the same name is gone');
      assert.match(own[0] as string, new RegExp(`^${user.name}:x:${user.uid}:${user.gid}:[^:]*:${user.home}:/bin/sh$`));
      assert.equal(passwd.at(-1), 'keep:x:5:5::/:/bin/sh');
      assert.ok(!result.stdout.includes('_apt') && !result.stdout.includes('broken line'));
      assert.deepEqual(group.slice(0, 2), ['root:x:0:', 'nogroup:x:65534:']);
      assert.ok(group.some((line) => line.endsWith(`:x:${user.gid}:`)));
      assert.equal(group.at(-1), 'keep:x:5:');
      assert.equal(lines.at(-2), 'home');
    });

    test('10-home binds the home directory with ENROOT_MOUNT_HOME, at /root with --root', async () => {
      const home = path.dirname(sandbox.file('myhome/marker', 'mine\n'));
      const plain = await sandbox.enroot(['start', 'c', 'sh', '-c', 'echo "$HOME"; cat "$HOME/marker"'], { extra: { ENROOT_MOUNT_HOME: 'y', HOME: home } });
      assert.equal(plain.stdout, `${home}\nmine\n`, plain.stderr);
      const root = await sandbox.enroot(['start', '--root', 'c', 'sh', '-c', 'echo "$HOME"; cat /root/marker'], { extra: { ENROOT_MOUNT_HOME: 'y', HOME: home } });
      assert.equal(root.stdout, '/root\nmine\n', root.stderr);
      const off = await sandbox.enroot(['start', 'c', 'sh', '-c', `test -e ${home}/marker || echo absent`], { extra: { HOME: home } });
      assert.equal(off.stdout, 'absent\n', off.stderr);
    });

    test('10-aptfix lets apt run as the remapped root of a Debian image', async () => {
      const root = await sandbox.enroot(['start', '--root', 'c', 'cat', '/etc/apt/apt.conf.d/enroot']);
      assert.equal(root.stdout, 'APT::Sandbox::User "root";\n', root.stderr);
    });

    test('10-localtime copies the host\'s time zone link', { skip: !fs.lstatSync('/etc/localtime', { throwIfNoEntry: false })?.isSymbolicLink() }, async () => {
      const zone = fs.realpathSync('/etc/localtime');
      const result = await sandbox.enroot(['start', 'c', 'sh', '-c', `readlink /etc/localtime; test -f ${zone} && echo zone`]);
      assert.equal(result.stdout, `${fs.readlinkSync('/etc/localtime')}\nzone\n`, result.stderr);
    });

    test('10-devices gives a minimal /dev with ENROOT_RESTRICT_DEV, private /dev/shm with --ipc', async () => {
      const expected = ['fd', 'full', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero'];
      const restricted = await sandbox.enroot(['start', 'c', 'ls', '/dev'], { extra: { ENROOT_RESTRICT_DEV: 'y' } });
      assert.equal(restricted.status, 0, restricted.stderr);
      const names = restricted.stdout.split('\n').filter((name) => name !== '' && !['mqueue', 'hugepages', 'log'].includes(name));
      assert.deepEqual(names, expected);
      const ipc = await sandbox.enroot(['start', '--ipc', 'c', 'sh', '-c', 'grep " /dev/shm " /proc/self/mountinfo | grep -c tmpfs; echo x > /dev/shm/f && cat /dev/shm/f']);
      assert.equal(ipc.stdout, '1\nx\n', ipc.stderr);
      const host = await sandbox.enroot(['start', 'c', 'sh', '-c', 'test -e /dev/shm && ls /dev | grep -c .']);
      assert.ok(Number(host.stdout) > expected.length, 'without the switch /dev is the host\'s');
    });

    test('10-cgroups shows the container\'s cgroups read-only', async () => {
      const result = await sandbox.enroot(['start', 'c', 'sh', '-c', 'grep " /sys/fs/cgroup" /proc/self/mountinfo | grep -c " ro,"; mkdir /sys/fs/cgroup/x 2>&1 | grep -c Read-only']);
      assert.equal(result.status, 0, result.stderr);
      const [readOnly, refused] = result.stdout.split('\n');
      assert.ok(Number(readOnly) >= 1, result.stdout);
      assert.equal(refused, '1');
    });

    test('98-nvidia: void asks for nothing; an unknown capability or a missing driver is one [ERROR] line', async () => {
      assert.equal((await sandbox.enroot(['start', 'c', 'true'], { extra: { NVIDIA_VISIBLE_DEVICES: 'void' } })).status, 0);
      const bogus = await sandbox.enroot(['start', 'c', 'true'], { extra: { NVIDIA_VISIBLE_DEVICES: 'all', NVIDIA_DRIVER_CAPABILITIES: 'compute,bogus' } });
      assert.equal(bogus.status, 1);
      assert.match(bogus.stderr, /^\[ERROR\] Unknown NVIDIA driver capability: bogus \(NVIDIA_DRIVER_CAPABILITIES takes a comma list of compute, compat32, display, graphics, utility, video or all\)\n$/);
      if (fs.existsSync('/dev/nvidiactl')) return;
      sandbox.container('gpu', (root) => fs.writeFileSync(path.join(root, 'etc', 'environment'), 'NVIDIA_VISIBLE_DEVICES=all\n'));
      const missing = await sandbox.enroot(['start', 'gpu', 'true']);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /^\[ERROR\] No NVIDIA driver found on this host \(missing \/dev\/nvidiactl.*\): install the driver and load its kernel module, or unset NVIDIA_VISIBLE_DEVICES\n$/);
    });

    test('a built-in hook is disabled like any hook: its hooks.d file made non-executable', async () => {
      const sysconf = path.join(sandbox.dir, 'sysconf');
      fs.cpSync(path.join(PROJECT_ROOT, 'conf'), sysconf, { recursive: true });
      fs.chmodSync(path.join(sysconf, 'hooks.d', '98-nvidia.sh'), 0o644);
      const extra = { ENROOT_SYSCONF_PATH: sysconf, NVIDIA_VISIBLE_DEVICES: 'all', NVIDIA_DRIVER_CAPABILITIES: 'bogus' };
      const result = await sandbox.enroot(['start', 'c', 'true'], { extra });
      assert.equal(result.status, 0, result.stderr);
      fs.chmodSync(path.join(sysconf, 'hooks.d', '98-nvidia.sh'), 0o755);
      assert.equal((await sandbox.enroot(['start', 'c', 'true'], { extra })).status, 1);
    });

    test('99-mellanox: none and a host without HCAs change nothing; an unknown id is one [ERROR] line', async () => {
      if (fs.existsSync('/sys/bus/pci/drivers/mlx5_core')) return;
      assert.equal((await sandbox.enroot(['start', 'c', 'true'], { extra: { MELLANOX_VISIBLE_DEVICES: 'all' } })).status, 0);
      const unknown = await sandbox.enroot(['start', 'c', 'true'], { extra: { MELLANOX_VISIBLE_DEVICES: '3' } });
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /^\[ERROR\] Unknown MELLANOX device id: 3 \(this host has no HCAs; MELLANOX_VISIBLE_DEVICES takes all, none or a comma list of ids\)\n$/);
    });
  });
}

describe('extra hooks', () => {
  const [user] = testUsers();
  if (user === undefined) return;
  const sandbox = runtimeSandbox(user);
  after(() => sandbox.remove());
  sandbox.container('c', (root) => fs.appendFileSync(path.join(root, 'etc', 'environment'), 'PYTORCH_VERSION=2.5\nRANK=from-image\n'));
  const emptySysconf = path.join(sandbox.dir, 'empty-sysconf');
  fs.mkdirSync(emptySysconf);
  const fakeBin = path.dirname(sandbox.file('fakebin/scontrol', '#!/bin/sh\nprintf "node1\\nnode2\\n"\n', 0o755));
  sandbox.file('fakebin/nvidia-smi', '#!/bin/sh\necho "$*" > "${0%/*}/nvidia-smi.args"\necho Disabled\necho Enabled\n', 0o755);
  const hooksDir = path.join(sandbox.config, 'hooks.d');
  fs.mkdirSync(hooksDir, { recursive: true });
  for (const name of fs.readdirSync(EXTRA_HOOKS)) fs.symlinkSync(path.join(EXTRA_HOOKS, name), path.join(hooksDir, name));
  const env = (extra: Record<string, string>) => ({ ENROOT_SYSCONF_PATH: emptySysconf, PATH: `${fakeBin}:${process.env.PATH ?? '/usr/bin:/bin'}`, ...extra });
  const show = (names: string[]) => ['sh', '-c', names.map((name) => `echo "${name}=\${${name}-unset}"`).join(';')];

  test('50-slurm-pmi passes SLURM_*, PMIX_* with the MCA settings, PMI_*, and binds the PMIx directory', async () => {
    const tmpdir = path.dirname(sandbox.file('pmix dir/socket', ''));
    const result = await sandbox.enroot(['start', 'c', ...show(['SLURM_JOB_ID', 'SLURM_PROCID', 'PMIX_RANK', 'PMIX_MCA_ptl', 'PMIX_MCA_psec', 'PMI_FD'])], {
      extra: env({ SLURM_JOB_ID: '77', SLURM_STEP_ID: '0', SLURM_PROCID: '3', PMIX_RANK: '3', PMIX_PTL_MODULE: 'tcp', PMIX_MCA_psec: 'native', PMIX_SECURITY_MODE: 'munge', PMI_FD: '9', PMIX_SERVER_TMPDIR: tmpdir }),
    });
    assert.equal(result.stdout, 'SLURM_JOB_ID=77\nSLURM_PROCID=3\nPMIX_RANK=3\nPMIX_MCA_ptl=tcp\nPMIX_MCA_psec=native\nPMI_FD=9\n', result.stderr);
    const mounted = await sandbox.enroot(['start', 'c', 'ls', tmpdir], { extra: env({ SLURM_JOB_ID: '77', SLURM_STEP_ID: '0', PMIX_RANK: '0', PMIX_SERVER_TMPDIR: tmpdir }) });
    assert.equal(mounted.stdout, 'socket\n', mounted.stderr);
    const outside = await sandbox.enroot(['start', 'c', ...show(['SLURM_PROCID'])], { extra: env({ SLURM_PROCID: '3' }) });
    assert.equal(outside.stdout, 'SLURM_PROCID=unset\n', 'not in a job step: nothing is passed');
  });

  test('50-slurm-pytorch sets the rendezvous variables the image does not set', async () => {
    const result = await sandbox.enroot(['start', 'c', ...show(['MASTER_ADDR', 'MASTER_PORT', 'WORLD_SIZE', 'RANK', 'LOCAL_RANK', 'OMP_NUM_THREADS'])], {
      extra: env({ SLURM_JOB_ID: '5000', SLURM_STEP_NODELIST: 'node[1-2]', SLURM_NTASKS: '8', SLURM_PROCID: '3', SLURM_LOCALID: '1', SLURM_STEP_NUM_TASKS: '8', SLURM_STEP_NUM_NODES: '2' }),
    });
    assert.equal(result.stdout, `MASTER_ADDR=node1\nMASTER_PORT=${(5000 % 4536) + 61000}\nWORLD_SIZE=8\nRANK=from-image\nLOCAL_RANK=1\nOMP_NUM_THREADS=1\n`, result.stderr);
  });

  test('50-sharp enables SHARP for SLURM_NETWORK=sharp jobs that see HCAs', async () => {
    const names = ['SHARP_COLL_LOCK_ON_COMM_INIT', 'NCCL_COLLNET_ENABLE', 'NCCL_SHARP_GROUP_SIZE_THRESH'];
    const result = await sandbox.enroot(['start', 'c', ...show(names)], { extra: env({ MELLANOX_VISIBLE_DEVICES: 'all', SLURM_NETWORK: 'sharp', SLURM_STEP_NUM_NODES: '4' }) });
    assert.equal(result.stdout, 'SHARP_COLL_LOCK_ON_COMM_INIT=1\nNCCL_COLLNET_ENABLE=1\nNCCL_SHARP_GROUP_SIZE_THRESH=4\n', result.stderr);
    const off = await sandbox.enroot(['start', 'c', ...show(['NCCL_COLLNET_ENABLE'])], { extra: env({ MELLANOX_VISIBLE_DEVICES: 'none', SLURM_NETWORK: 'sharp' }) });
    assert.equal(off.stdout, 'NCCL_COLLNET_ENABLE=unset\n');
  });

  test('50-mig-config asks for MIG configuration when a visible GPU has MIG enabled', async () => {
    const result = await sandbox.enroot(['start', 'c', ...show(['NVIDIA_MIG_CONFIG_DEVICES'])], { extra: env({ NVIDIA_VISIBLE_DEVICES: '0,1' }) });
    assert.equal(result.stdout, 'NVIDIA_MIG_CONFIG_DEVICES=all\n', result.stderr);
    assert.equal(fs.readFileSync(path.join(fakeBin, 'nvidia-smi.args'), 'utf8'), '--query-gpu=mig.mode.current --format=csv,noheader -i 0,1\n');
    const mig = await sandbox.enroot(['start', 'c', ...show(['NVIDIA_MIG_CONFIG_DEVICES'])], { extra: env({ NVIDIA_VISIBLE_DEVICES: 'MIG-1234' }) });
    assert.equal(mig.stdout, 'NVIDIA_MIG_CONFIG_DEVICES=unset\n');
  });
});
