// `enroot start` from a container directory, as root and as an unprivileged user: identity,
// read-only rootfs, mounts, environment, hooks, configuration scripts, exit status, and that an
// image's symlinks can never make the runtime touch the host.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ENROOT_BIN, runCommand } from '../fixtures/cli.js';
import { runtimeSandbox } from '../fixtures/runtime-containers.js';
import { testUsers } from '../fixtures/users.js';

for (const user of testUsers()) {
  describe(`start as ${user.name} (uid ${user.uid})`, () => {
    const sandbox = runtimeSandbox(user);
    after(() => sandbox.remove());
    sandbox.container('c');

    test('the command runs as the caller, or as root with --root', async () => {
      const plain = await sandbox.enroot(['start', 'c', 'id', '-u']);
      assert.equal(plain.stderr, '');
      assert.equal(plain.stdout, `${user.uid}\n`);
      const root = await sandbox.enroot(['start', '--root', 'c', 'id', '-u']);
      assert.equal(root.stdout, '0\n', root.stderr);
    });

    test('the rootfs is read-only unless --rw; /.enroot always is', async () => {
      const readOnly = await sandbox.enroot(['start', 'c', 'sh', '-c', 'touch /x']);
      assert.equal(readOnly.status, 1);
      assert.match(readOnly.stderr, /Read-only file system/);
      const writable = await sandbox.enroot(['start', '--rw', 'c', 'sh', '-c', 'touch /x && touch /.enroot/y']);
      assert.equal(writable.status, 1);
      assert.ok(fs.existsSync(path.join(sandbox.data, 'c', 'x')), '--rw writes reach the container directory');
      assert.ok(!fs.existsSync(path.join(sandbox.data, 'c', '.enroot', 'y')));
    });

    test('the exit status is the command\'s', async () => {
      assert.equal((await sandbox.enroot(['start', 'c', 'sh', '-c', 'exit 42'])).status, 42);
      assert.equal((await sandbox.enroot(['start', '--rc', sandbox.file('rc/exit.sh', 'exit 7\n'), 'c'])).status, 7);
    });

    test('-m and -e are visible inside; the image environment and environ.d apply', async () => {
      const host = sandbox.file('hostdir/file', 'from host\n');
      const result = await sandbox.enroot(['start', '-m', `${path.dirname(host)}:/mnt`, '-e', 'FOO=bar', '-e', 'HOST_ONLY', 'c', 'sh', '-c', 'cat /mnt/file; echo "$FOO $HOST_ONLY $FROM_IMAGE $TERM"'], {
        extra: { HOST_ONLY: 'copied' },
      });
      assert.equal(result.stdout, 'from host\nbar copied image value xterm\n', result.stderr);
    });

    test('a user hook adds a mount and a variable through ENROOT_MOUNTS and ENROOT_ENVIRON', async () => {
      const shared = path.dirname(sandbox.file('shared/data', 'shared\n'));
      sandbox.file(
        'config/hooks.d/50-test.sh',
        [
          '#!/bin/bash',
          'set -eu',
          'source "${ENROOT_LIBRARY_PATH}/common.sh"',
          'common::checkcmd cat',
          `echo "${shared} /hooked none x-create=dir,bind,ro" >> "\${ENROOT_MOUNTS}"`,
          'echo "HOOKED=${ENROOT_PID}" >> "${ENROOT_ENVIRON}"',
          'echo "tmpfs /direct tmpfs x-create=dir" | enroot-mount --root "${ENROOT_ROOTFS}" -',
          '',
        ].join('\n'),
        0o755,
      );
      sandbox.file('config/hooks.d/60-skipped.sh', '#!/bin/sh\nexit 3\n', 0o644);
      try {
        const result = await sandbox.enroot(['start', 'c', 'sh', '-c', 'cat /hooked/data; echo "$HOOKED"; grep -c " /direct " /proc/self/mountinfo']);
        assert.equal(result.status, 0, result.stderr);
        const [data, pid, direct] = result.stdout.split('\n');
        assert.equal(data, 'shared');
        assert.match(pid as string, /^\d+$/);
        assert.equal(direct, '1');
        sandbox.file('config/hooks.d/70-fails.sh', '#!/bin/sh\nexit 3\n', 0o755);
        const failing = await sandbox.enroot(['start', 'c', 'true']);
        assert.equal(failing.status, 1);
        assert.equal(failing.stderr, `[ERROR] ${path.join(sandbox.config, 'hooks.d', '70-fails.sh')} exited with return code 3\n`);
      } finally {
        fs.rmSync(path.join(sandbox.config, 'hooks.d'), { recursive: true, force: true });
      }
    });

    test('a --conf script with environ, mounts, hooks and rc works', async () => {
      const shared = path.dirname(sandbox.file('confshared/data', 'conf\n'));
      const conf = sandbox.file(
        'job.conf',
        [
          '#ENROOT_REMAP_ROOT=y',
          'export FROM_CONF=exported',
          'echo "sourced with $#: $*"',
          'environ() { echo "ENVIRON_FN=${FROM_CONF}"; }',
          `mounts() { echo "${shared} /confmnt none x-create=dir,bind,ro"; }`,
          'hooks() { echo "HOOKS_FN=yes" >> "$ENROOT_ENVIRON"; }',
          'rc() {',
          '  echo "rc: $*"',
          '  exec "$@"',
          '}',
          '',
        ].join('\n'),
      );
      const result = await sandbox.enroot(['start', '--conf', conf, 'c', 'sh', '-c', 'id -u; echo "$ENVIRON_FN $HOOKS_FN"; cat /confmnt/data']);
      assert.equal(result.stdout, 'sourced with 3: sh -c id -u; echo "$ENVIRON_FN $HOOKS_FN"; cat /confmnt/data\nrc: sh -c id -u; echo "$ENVIRON_FN $HOOKS_FN"; cat /confmnt/data\n0\nexported yes\nconf\n', result.stderr);
    });

    test('batch runs the container its #ENROOT_ROOTFS names', async () => {
      const script = sandbox.file('job.batch', '#!/usr/bin/env enroot batch\n#ENROOT_ROOTFS=c\nrc() { echo "batch: $*"; }\n', 0o755);
      const result = await sandbox.enroot(['batch', script, 'a', 'b']);
      assert.equal(result.stdout, 'batch: a b\n', result.stderr);
      const interpreted = sandbox.file('job.run', `#!${ENROOT_BIN} batch\n#ENROOT_ROOTFS=c\nrc() { echo "run: $*"; }\n`, 0o755);
      const direct = await runCommand(interpreted, ['x'], { env: sandbox.env(), user, cwd: sandbox.dir });
      assert.equal(direct.stdout, 'run: x\n', direct.stderr);
    });

    test('with --root, chown and setuid succeed silently', async () => {
      const result = await sandbox.enroot(['start', '--root', 'c', 'sh', '-c', 'touch /tmp/f && chown 1234:1234 /tmp/f && echo ok']);
      assert.equal(result.stdout, 'ok\n');
      assert.equal(result.stderr, '');
    });

    test('symlinks in the image never lead a mount or a created file out of the rootfs', async () => {
      const victim = sandbox.file('victim/hosts', 'untouched\n');
      const escapeDir = path.join(sandbox.dir, 'escape');
      sandbox.container('evil', (root) => {
        fs.symlinkSync(victim, path.join(root, 'etc', 'hosts'));
        fs.symlinkSync(`../../../../../../../..${escapeDir}/made`, path.join(root, 'etc', 'hostname'));
        fs.symlinkSync('/', path.join(root, 'hostroot'));
      });
      const result = await sandbox.enroot(['start', '-m', `${path.dirname(victim)}:/hostroot${escapeDir}/bound:x-create=dir,bind`, 'evil', 'cat', '/etc/hosts']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, fs.readFileSync('/etc/hosts', 'utf8'));
      assert.equal(fs.readFileSync(victim, 'utf8'), 'untouched\n');
      assert.ok(!fs.existsSync(escapeDir), 'nothing was created on the host');
    });

    test('--pid makes the command PID 1; --net gives a namespace with loopback only', async () => {
      const pid = await sandbox.enroot(['start', '--pid', 'c', 'sh', '-c', 'echo $$; exit 3']);
      assert.equal(pid.stdout, '1\n', pid.stderr);
      assert.equal(pid.status, 3);
      const net = await sandbox.enroot(['start', '--net', 'c', 'sh', '-c', 'ls /sys/class/net']);
      assert.equal(net.stdout, 'lo\n', net.stderr);
    });

    test('ENROOT_ALLOW_SUPERUSER keeps real root privileges for root only', async () => {
      const result = await sandbox.enroot(['start', 'c', 'sh', '-c', 'cat /proc/self/uid_map'], { extra: { ENROOT_ALLOW_SUPERUSER: 'y' } });
      const map = result.stdout.trim().split(/\s+/).join(' ');
      assert.equal(map, user.uid === 0 ? '0 0 4294967295' : `${user.uid} ${user.uid} 1`, result.stderr);
    });

    test('invalid arguments are refused before anything starts', async () => {
      for (const [args, message] of [
        [['start', '-m', 'a b', 'c'], /^\[ERROR\] Invalid argument: a b/],
        [['start', '-e', '1X=2', 'c'], /^\[ERROR\] Invalid argument: 1X=2/],
        [['start', 'missing'], /^\[ERROR\] No such file or directory: .*missing\n$/],
        [['start', '..'], /^\[ERROR\] Invalid argument: \.\./],
      ] as const) {
        const result = await sandbox.enroot([...args]);
        assert.equal(result.status, 1);
        assert.match(result.stderr, message);
      }
    });
  });
}

// Batch schedulers and containers often run jobs under a uid the host's passwd does not list.
describe('start as a uid without a passwd entry (root runs it through setuid)', { skip: process.getuid?.() !== 0 ? 'needs root to take an unlisted uid' : false }, () => {
  const unlisted = { name: 'unlisted', uid: 43210, gid: 43210, home: '/nonexistent' };
  const sandbox = runtimeSandbox(unlisted);
  after(() => sandbox.remove());
  sandbox.container('c');

  test('the command runs with that uid, and the missing entry is a warning', async () => {
    const result = await sandbox.enroot(['start', 'c', 'id', '-u']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '43210\n');
    assert.match(result.stderr, /^\[WARN\] No passwd entry for uid 43210/m);
  });
});
