// The standard hooks and the extra ones, started for real as root and as an unprivileged user:
// each hook's effect inside the container, its switch, and its errors.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

    const defs = sandbox.container('defs', (root) => {
      fs.rmSync(path.join(root, user.home), { recursive: true, force: true });
      fs.writeFileSync(path.join(root, 'etc', 'login.defs'), '# defaults\nUMASK\t\t027\nMAIL_DIR /var/spool/mail\n');
      fs.mkdirSync(path.join(root, 'etc', 'default'));
      fs.writeFileSync(path.join(root, 'etc', 'default', 'useradd'), 'SHELL=/bin/ash\nSKEL="/etc/skel"\nCREATE_MAIL_SPOOL=yes\n');
      fs.symlinkSync('busybox', path.join(root, 'bin', 'ash'));
      fs.mkdirSync(path.join(root, 'etc', 'skel', 'bin'), { recursive: true });
      fs.writeFileSync(path.join(root, 'etc', 'skel', '.profile'), 'profile\n', { mode: 0o644 });
      fs.writeFileSync(path.join(root, 'etc', 'skel', 'bin', 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    });

    test('10-shadow follows the image\'s login.defs and useradd defaults: shell, home from the skeleton with UMASK, mail spool', async () => {
      const result = await sandbox.enroot(['start', 'defs', 'sh', '-c', 'stat -c %a /etc/passwd /etc/group; cat /etc/passwd']);
      assert.equal(result.status, 0, result.stderr);
      const [passwdMode, groupMode, rootLine] = result.stdout.split('\n');
      assert.deepEqual([passwdMode, groupMode, rootLine], ['644', '644', 'root:x:0:0:root:/root:/bin/ash'], 'the caller\'s host shell is not in the image: useradd\'s SHELL');
      assert.match(result.stdout, new RegExp(`^${user.name}:x:${user.uid}:${user.gid}:[^:]*:${user.home}:/bin/ash$`, 'm'));
      const mode = (file: string): number => fs.statSync(path.join(defs, file)).mode & 0o7777;
      assert.equal(mode(user.home), 0o750);
      assert.equal(fs.readFileSync(path.join(defs, user.home, '.profile'), 'utf8'), 'profile\n');
      assert.equal(mode(path.join(user.home, '.profile')), 0o640);
      assert.equal(mode(path.join(user.home, 'bin', 'tool')), 0o750);
      const spool = path.join(defs, 'var', 'spool', 'mail', user.name);
      assert.equal(fs.readFileSync(spool, 'utf8'), '');
      assert.equal(mode(path.join('var', 'spool', 'mail', user.name)), 0o660);
      assert.deepEqual([fs.statSync(spool).uid, fs.statSync(spool).gid], [user.uid, user.gid]);
    });

    const hostShell = execFileSync('getent', ['passwd', String(user.uid)], { encoding: 'utf8' }).trim().split(':')[6] ?? '';
    const mergedUsr = sandbox.container('merged-usr', (root) => {
      // /bin -> usr/bin, as in current Debian and Ubuntu images, with the caller's host shell in it.
      fs.mkdirSync(path.join(root, 'usr'), { recursive: true });
      fs.renameSync(path.join(root, 'bin'), path.join(root, 'usr', 'bin'));
      fs.symlinkSync('usr/bin', path.join(root, 'bin'));
      const shell = path.join(root, 'usr', 'bin', path.basename(hostShell));
      if (!fs.existsSync(shell)) fs.writeFileSync(shell, '#!/bin/sh\nexec sh "$@"\n', { mode: 0o755 }); // stands in for bash
    });

    test('10-shadow gives the caller the host shell when the image has it behind a merged /usr', { skip: !hostShell.startsWith('/bin/') ? 'the host shell is not in /bin' : false }, async () => {
      const result = await sandbox.enroot(['start', 'merged-usr', 'sh', '-c', 'cat /etc/passwd']);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^${user.name}:x:${user.uid}:.*:${hostShell}$`, 'm'));
      assert.ok(fs.lstatSync(path.join(mergedUsr, 'bin')).isSymbolicLink());
    });

    const skelRoot = sandbox.container('skel-root', (root) => {
      fs.rmSync(path.join(root, user.home), { recursive: true, force: true });
      fs.mkdirSync(path.join(root, 'etc', 'default'));
      fs.writeFileSync(path.join(root, 'etc', 'default', 'useradd'), 'SKEL=/\n');
    });

    test('10-shadow never copies a skeleton directory into the home directory it holds (SKEL=/)', async () => {
      const result = await sandbox.enroot(['start', 'skel-root', 'true']);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, /\[WARN\] .*skeleton directory \/ holds the home directory .*: it is not copied into itself/);
      assert.deepEqual(fs.readdirSync(path.join(skelRoot, user.home)), [], 'the home directory is created empty');
    });

    const outside = path.dirname(sandbox.file('outside/passwd', 'host passwd\n'));
    fs.mkdirSync(path.join(outside, 'etc'));
    fs.mkdirSync(path.join(outside, 'apt'));
    if (process.getuid?.() === 0) fs.chownSync(path.join(outside, 'etc'), user.uid, user.gid);
    const hostile = {
      passwdLink: sandbox.container('passwd-link', (root) => {
        fs.rmSync(path.join(root, 'etc', 'passwd'));
        fs.symlinkSync(path.join(outside, 'passwd'), path.join(root, 'etc', 'passwd'));
      }),
      etcLink: sandbox.container('etc-link', (root) => {
        fs.rmSync(path.join(root, 'etc'), { recursive: true });
        fs.symlinkSync(path.join(outside, 'etc'), path.join(root, 'etc'));
      }),
      staleTemporary: sandbox.container('stale-temporary', (root) => {
        fs.symlinkSync(path.join(outside, 'passwd'), path.join(root, 'etc', 'passwd.enroot'));
        fs.symlinkSync(path.join(outside, 'passwd'), path.join(root, 'etc', 'group.enroot'));
      }),
      aptLink: sandbox.container('apt-link', (root) => {
        fs.writeFileSync(path.join(root, 'etc', 'debian_version'), '12\n');
        fs.mkdirSync(path.join(root, 'etc', 'apt'));
        fs.symlinkSync(path.join(outside, 'apt'), path.join(root, 'etc', 'apt', 'apt.conf.d'));
      }),
      devLink: sandbox.container('dev-link', (root) => {
        fs.mkdirSync(path.join(root, 'realdev'));
        fs.symlinkSync('realdev', path.join(root, 'dev'));
      }),
    };

    test('hostile images: nothing is written through a symlink out of the rootfs; /etc/passwd or /dev through one is one [ERROR] line', async () => {
      const passwdLink = await sandbox.enroot(['start', 'passwd-link', 'true']);
      assert.equal(passwdLink.status, 1);
      assert.equal(passwdLink.stderr, `[ERROR] ${hostile.passwdLink}/etc/passwd leads through a symlink: fix the image\n`);
      const etcLink = await sandbox.enroot(['start', 'etc-link', 'true']);
      assert.equal(etcLink.status, 1);
      assert.equal(etcLink.stderr, `[ERROR] ${hostile.etcLink}/etc/passwd leads through a symlink: fix the image\n`);
      assert.deepEqual(fs.readdirSync(path.join(outside, 'etc')), [], 'no localtime, passwd or group written into the host directory');
      const stale = await sandbox.enroot(['start', 'stale-temporary', 'sh', '-c', 'head -n 1 /etc/passwd /etc/group']);
      assert.equal(stale.status, 0, stale.stderr);
      assert.match(stale.stdout, /^root:x:0:0:root:\/root:/m);
      assert.match(stale.stdout, /^root:x:0:$/m);
      const apt = await sandbox.enroot(['start', '--root', 'apt-link', 'true']);
      assert.equal(apt.status, 0, apt.stderr);
      assert.deepEqual(fs.readdirSync(path.join(outside, 'apt')), []);
      assert.equal(fs.readFileSync(path.join(outside, 'passwd'), 'utf8'), 'host passwd\n');
      const devLink = await sandbox.enroot(['start', 'dev-link', 'true'], { extra: { ENROOT_RESTRICT_DEV: 'y' } });
      assert.equal(devLink.status, 1);
      assert.equal(devLink.stderr, `[ERROR] ${hostile.devLink}/dev is a symlink: cannot restrict /dev in this image (unset ENROOT_RESTRICT_DEV)\n`);
    });

    sandbox.container('apt', (root) => fs.writeFileSync(path.join(root, 'etc', 'debian_version'), '12\n'));

    test('10-aptfix does nothing without --root or without /etc/debian_version', async () => {
      const check = ['sh', '-c', 'test -e /etc/apt/apt.conf.d/enroot && echo present || echo absent'];
      assert.equal((await sandbox.enroot(['start', 'apt', ...check])).stdout, 'absent\n');
      const plain = sandbox.container('not-debian');
      assert.equal((await sandbox.enroot(['start', '--root', 'not-debian', ...check])).stdout, 'absent\n');
      assert.ok(!fs.existsSync(path.join(plain, 'etc', 'apt')));
    });

    test('10-localtime replaces the image\'s /etc/localtime by the host\'s link, copies a missing zone file and keeps an existing one', { skip: !fs.lstatSync('/etc/localtime', { throwIfNoEntry: false })?.isSymbolicLink() }, async () => {
      const zone = fs.realpathSync('/etc/localtime');
      const own = sandbox.container('own-zone', (root) => {
        fs.writeFileSync(path.join(root, 'etc', 'localtime'), 'image localtime');
        fs.mkdirSync(path.join(root, path.dirname(zone)), { recursive: true });
        fs.writeFileSync(path.join(root, zone), 'image zone');
      });
      const result = await sandbox.enroot(['start', 'own-zone', 'readlink', '/etc/localtime']);
      assert.equal(result.stdout, `${fs.readlinkSync('/etc/localtime')}\n`, result.stderr);
      assert.equal(fs.readFileSync(path.join(own, zone), 'utf8'), 'image zone');
      const copied = sandbox.container('copied-zone');
      assert.equal((await sandbox.enroot(['start', 'copied-zone', 'true'])).status, 0);
      assert.deepEqual(fs.readFileSync(path.join(copied, zone)), fs.readFileSync(zone));
    });

    test('10-devices links fd, ptmx and the standard streams, and mounts a fresh tmpfs /dev and devpts', async () => {
      const result = await sandbox.enroot(['start', 'c', 'sh', '-c', 'for link in fd ptmx stdin stdout stderr; do readlink /dev/$link; done; cat /proc/self/mountinfo'], { extra: { ENROOT_RESTRICT_DEV: 'y' } });
      assert.equal(result.status, 0, result.stderr);
      const lines = result.stdout.split('\n');
      assert.deepEqual(lines.slice(0, 5), ['/proc/self/fd', '/dev/pts/ptmx', '/proc/self/fd/0', '/proc/self/fd/1', '/proc/self/fd/2']);
      const typeAt = (point: string): string | undefined => {
        const line = lines.filter((entry) => entry.split(' ')[4] === point).at(-1);
        return line?.split(' - ')[1]?.split(' ')[0];
      };
      assert.equal(typeAt('/dev'), 'tmpfs');
      assert.equal(typeAt('/dev/pts'), 'devpts');
    });

    test('10-home escapes a home directory with blanks in the mount line; bound nosuid', async () => {
      const home = path.dirname(sandbox.file('my home/marker', 'spaced\n'));
      const result = await sandbox.enroot(['start', 'c', 'sh', '-c', 'cat "$HOME/marker"; cat /proc/self/mountinfo'], { extra: { ENROOT_MOUNT_HOME: 'y', HOME: home } });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.split('\n')[0], 'spaced');
      const bound = result.stdout.split('\n').find((line) => line.split(' ')[4] === home.replaceAll(' ', '\\040'));
      assert.match(bound ?? '', / rw,nosuid[, ]/);
    });

    test('10-cgroups: with SLURM_STEP_ID and with --net the cgroups stay visible read-only', async () => {
      const check = ['sh', '-c', 'test -d /sys/fs/cgroup && grep " /sys/fs/cgroup" /proc/self/mountinfo | grep -c " ro,"'];
      const slurm = await sandbox.enroot(['start', 'c', ...check], { extra: { SLURM_STEP_ID: '0' } });
      assert.equal(slurm.status, 0, slurm.stderr);
      assert.ok(Number(slurm.stdout) >= 1);
      const net = await sandbox.enroot(['start', '--net', 'c', ...check]);
      assert.equal(net.status, 0, net.stderr);
      assert.ok(Number(net.stdout) >= 1);
    });

    test('a standard hook is disabled like any hook: 10-shadow made non-executable leaves /etc/passwd alone', async () => {
      const sysconf = path.join(sandbox.dir, 'sysconf-shadow');
      fs.cpSync(path.join(PROJECT_ROOT, 'conf'), sysconf, { recursive: true });
      fs.chmodSync(path.join(sysconf, 'hooks.d', '10-shadow.sh'), 0o644);
      sandbox.container('no-shadow');
      const result = await sandbox.enroot(['start', 'no-shadow', 'cat', '/etc/passwd'], { extra: { ENROOT_SYSCONF_PATH: sysconf } });
      assert.equal(result.stdout, 'root:x:0:0:root:/root:/bin/sh\n', result.stderr);
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
