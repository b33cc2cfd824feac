// The pure parts of the built-in standard hooks: the user databases of 10-shadow, the cgroup binds
// of 10-cgroups, the /dev of 10-devices and the fstab escaping of 10-home and 10-devices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeFstabField, parseFstabLine } from '../../src/runtime/fstab.js';
import { cgroupEntries } from '../../src/runtime/standard-hooks/cgroups.js';
import { deviceEntries } from '../../src/runtime/standard-hooks/devices.js';
import { groupEntries, loginDefs, mergeDatabase, passwdEntries, type Caller } from '../../src/runtime/standard-hooks/user-databases.js';

const CALLER: Caller = { user: 'alice', uid: 1000, gid: 100, gecos: 'Alice A', home: '/home/alice', group: 'users' };
const OVERFLOW = { uid: '65534', gid: '65533' };

test('login.defs values: the last of each key, comments dropped, = and quotes read as blanks', () => {
  const text = '# UMASK 000\nUMASK\t\t022 # site default\nMAIL_DIR /var/mail\nMAIL_DIR\t/var/spool/mail\nSHELL="/bin/bash"\nSKEL=/etc/skel\nCREATE_HOME\n';
  const values = loginDefs(text, ['UMASK', 'MAIL_DIR', 'SHELL', 'SKEL', 'CREATE_HOME']);
  assert.deepEqual(Object.fromEntries(values), { UMASK: '022', MAIL_DIR: '/var/spool/mail', SHELL: '/bin/bash', SKEL: '/etc/skel' });
  assert.equal(loginDefs('', ['UMASK']).size, 0);
});

test('root, nobody and the caller come first, with the chosen shell and the overflow ids', () => {
  assert.deepEqual(passwdEntries('/bin/sh', OVERFLOW, CALLER), ['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65533:nobody:/:/sbin/nologin', 'alice:x:1000:100:Alice A:/home/alice:/bin/sh']);
  assert.deepEqual(groupEntries(OVERFLOW, CALLER), ['root:x:0:', 'nogroup:x:65533:', 'users:x:100:']);
  assert.deepEqual(passwdEntries('/bin/bash', OVERFLOW, null), ['root:x:0:0:root:/root:/bin/bash', 'nobody:x:65534:65533:nobody:/:/sbin/nologin']);
  assert.deepEqual(groupEntries(OVERFLOW, null), ['root:x:0:', 'nogroup:x:65533:']);
});

test('merging keeps the first line of each name and drops _apt, nameless and malformed lines', () => {
  const existing = 'root:x:0:0:old:/root:/bin/bash\n_apt:x:100:65534::/nonexistent:/usr/sbin/nologin\nbroken line\n\n:x:1:1:::\nalice:x:4242:4242:stale:/stale:/bin/sh\nkeep:x:5:5::/:/bin/sh\nkeep:x:6:6::/:/bin/sh\nlast:x:7:7::/:/bin/sh';
  assert.equal(
    mergeDatabase(passwdEntries('/bin/sh', OVERFLOW, CALLER), existing, 7),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65533:nobody:/:/sbin/nologin\nalice:x:1000:100:Alice A:/home/alice:/bin/sh\nkeep:x:5:5::/:/bin/sh\nlast:x:7:7::/:/bin/sh\n',
  );
  assert.equal(mergeDatabase(groupEntries(OVERFLOW, CALLER), '', 4), 'root:x:0:\nnogroup:x:65533:\nusers:x:100:\n');
  assert.equal(mergeDatabase(['root:x:0:'], 'root:x:0:\nwheel:x:10:root,alice\nbad:x:1\n', 4), 'root:x:0:\nwheel:x:10:root,alice\n');
});

test('lines come out byte for byte, whatever their encoding; the caller\'s UTF-8 names are encoded', () => {
  const latin1 = Buffer.from([0x6a, 0xe9, 0x3a, 0x78, 0x3a, 0x37, 0x3a, 0x37, 0x3a, 0xff, 0xfe, 0x3a, 0x2f, 0x3a, 0x2f, 0x62, 0x69, 0x6e, 0x2f, 0x73, 0x68, 0x0a]);
  const caller = { ...CALLER, gecos: 'José' };
  const merged = Buffer.from(mergeDatabase(passwdEntries('/bin/sh', OVERFLOW, caller), latin1.toString('latin1'), 7), 'latin1');
  assert.ok(merged.includes(latin1), 'the image line is unchanged');
  assert.ok(merged.includes(Buffer.from('alice:x:1000:100:José:/home/alice:/bin/sh\n', 'utf8')));
});

const MOUNTINFO = [
  '24 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '30 24 0:26 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw,nsdelegate',
  '31 24 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:6 - cgroup cgroup rw,cpu,cpuacct',
  '32 24 0:28 /job /sys/fs/cgroup/memory rw,nosuid shared:7 - cgroup cgroup rw,memory',
  '33 24 0:29 / /sys/fs/cgroup/systemd rw,nosuid shared:8 - cgroup cgroup rw,xattr,name=systemd',
  '34 24 0:30 / /sys/fs/cgroup/my\\040space rw,nosuid shared:9 - cgroup cgroup rw,pids',
  '',
].join('\n');

test('cgroups: each hierarchy of the process gets its own directory, relative to its mount\'s root, once', () => {
  const cgroup = '5:pids:/\n4:memory:/job/step_0\n3:cpuacct,cpu:/slurm/job\n2:name=systemd:/user.slice\n1:cpu,cpuacct:/slurm/job\n0::/slurm/job/step\n9:blkio:/nowhere\n';
  assert.deepEqual(cgroupEntries(MOUNTINFO, cgroup, ''), [
    '/sys/fs/cgroup/my\\040space /sys/fs/cgroup/my\\040space none x-create=dir,rbind,nosuid,noexec,nodev,ro',
    '/sys/fs/cgroup/memory/step_0 /sys/fs/cgroup/memory none x-create=dir,rbind,nosuid,noexec,nodev,ro',
    '/sys/fs/cgroup/cpu,cpuacct/slurm/job /sys/fs/cgroup/cpu,cpuacct none x-create=dir,rbind,nosuid,noexec,nodev,ro',
    '/sys/fs/cgroup/systemd/user.slice /sys/fs/cgroup/systemd none x-create=dir,rbind,nosuid,noexec,nodev,ro',
    '/sys/fs/cgroup/unified/slurm/job/step /sys/fs/cgroup/unified none x-create=dir,rbind,nosuid,noexec,nodev,ro',
  ]);
  assert.deepEqual(cgroupEntries(MOUNTINFO, '0::/slurm/job/step\n4:memory:/job\n', '/..'), [
    '/sys/fs/cgroup/unified/slurm/job/step/.. /sys/fs/cgroup/unified none x-create=dir,rbind,nosuid,noexec,nodev,ro',
    '/sys/fs/cgroup/memory /sys/fs/cgroup/memory none x-create=dir,rbind,nosuid,noexec,nodev,ro',
  ]);
  assert.deepEqual(cgroupEntries('24 1 8:1 / / rw - ext4 /dev/sda1 rw\n', '0::/\n', ''), []);
});

test('devices: the standard devices, then shared or private IPC, then what the host has', () => {
  const none = { mqueue: false, hugepages: false, log: false, console: null };
  const shared = deviceEntries(false, none);
  assert.deepEqual(shared.slice(0, 3), ['none /dev none x-detach,nofail,silent', 'tmpfs /dev tmpfs x-create=dir,rw,nosuid,noexec,mode=755,slave', '/dev/zero /dev/zero none x-create=file,bind,rw,nosuid,noexec,private']);
  assert.equal(shared.length, 10);
  assert.equal(shared.at(-1), '/dev/shm /dev/shm none x-create=dir,rbind,rw,nosuid,nodev,noexec,rslave');
  assert.deepEqual(deviceEntries(true, { ...none, mqueue: true }).slice(-2), ['tmpfs /dev/shm tmpfs x-create=dir,rw,nosuid,nodev,mode=1777', 'mqueue /dev/mqueue mqueue x-create=dir,rw,nosuid,nodev,noexec,nofail,silent']);
  const all = deviceEntries(false, { mqueue: true, hugepages: true, log: true, console: '/dev/pts/my tty' });
  assert.deepEqual(all.slice(-4).map((line) => line.split(' ')[0]), ['/dev/mqueue', '/dev/hugepages', '/dev/log', '/dev/pts/my\\040tty']);
  assert.equal(parseFstabLine(all.at(-1) as string, 'test')?.source, '/dev/pts/my tty');
});

test('fstab fields escape backslashes, blanks and newlines in octal, and parse back', () => {
  const text = 'a b\tc\nd\\e';
  assert.equal(escapeFstabField(text), 'a\\040b\\011c\\012d\\134e');
  assert.equal(parseFstabLine(`${escapeFstabField(text)} /x none bind`, 'test')?.source, text);
});
