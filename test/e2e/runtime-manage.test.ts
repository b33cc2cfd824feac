// list, list --fancy, exec and remove around running containers.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ENROOT_BIN } from '../fixtures/cli.js';
import { openFuseToEveryone, runtimeSandbox, type RuntimeSandbox } from '../fixtures/runtime-containers.js';
import { testUsers } from '../fixtures/users.js';

/** Starts a container in the background; resolves with its PID (the enroot PID) once it is running. */
async function background(sandbox: RuntimeSandbox, args: string[], extra: Record<string, string> = {}): Promise<{ pid: number; done: Promise<number | null>; ended: Promise<NodeJS.Signals | null> }> {
  const child = spawn(process.execPath, [ENROOT_BIN, 'start', ...args], {
    env: sandbox.env(extra),
    cwd: sandbox.dir,
    uid: sandbox.user.uid,
    gid: sandbox.user.gid,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return { pid: child.pid as number, done: exit.then(([code]) => code), ended: exit.then(([, signal]) => signal) };
}

for (const user of testUsers()) {
  describe(`list, exec and remove as ${user.name} (uid ${user.uid})`, () => {
    const sandbox = runtimeSandbox(user);
    after(() => sandbox.remove());
    sandbox.container('alpha');
    sandbox.container('beta');

    test('list prints the names; --fancy shows running processes, by image name for images', async () => {
      openFuseToEveryone();
      sandbox.file('data/afile', '');
      const plain = await sandbox.enroot(['list']);
      assert.equal(plain.stdout, 'afile\nalpha\nbeta\n');
      const image = sandbox.image('listed');
      const running = await background(sandbox, ['alpha', 'sh', '-c', 'echo up; sleep 30']);
      const fromImage = await background(sandbox, [image, 'sh', '-c', 'echo up; sleep 30']);
      const fuseImage = sandbox.image('fused');
      const fromFuse = await background(sandbox, [fuseImage, 'sh', '-c', 'echo up; sleep 30'], { ENROOT_NATIVE_OVERLAYFS: 'n' });
      try {
        const fancy = await sandbox.enroot(['list', '--fancy']);
        const lines = fancy.stdout.trimEnd().split('\n');
        assert.match(lines[0] as string, /^NAME +PID +COMM +STATE +STARTED +TIME +MNTNS +USERNS +COMMAND$/);
        assert.match(fancy.stdout, new RegExp(`^alpha +${running.pid} +sleep +S `, 'm'));
        assert.match(fancy.stdout, /^beta$/m);
        assert.match(fancy.stdout, new RegExp(`^${image.replace(/[.+]/g, '\\$&')} +${fromImage.pid} +sleep `, 'm'));
        assert.match(fancy.stdout, new RegExp(`^${fuseImage.replace(/[.+]/g, '\\$&')} +${fromFuse.pid} +sleep `, 'm'));
      } finally {
        for (const started of [running, fromImage, fromFuse]) process.kill(started.pid, 'SIGTERM');
        await Promise.all([running.done, fromImage.done, fromFuse.done]);
      }
    });

    test('exec joins the files, environment and working directory of a running container', async () => {
      const running = await background(sandbox, ['-e', 'MARK=inside', 'alpha', 'sh', '-c', 'echo secret > /tmp/f; cd /tmp; echo up; sleep 30']);
      try {
        const result = await sandbox.enroot(['exec', '-e', 'EXTRA=1', String(running.pid), 'sh', '-c', 'pwd; cat /tmp/f; echo "$MARK $EXTRA"; exit 5']);
        assert.equal(result.stdout, '/tmp\nsecret\ninside 1\n', result.stderr);
        assert.equal(result.status, 5);
      } finally {
        process.kill(running.pid, 'SIGTERM');
        await running.done;
      }
      const missing = await sandbox.enroot(['exec', '999999999', 'true']);
      assert.equal(missing.stderr, '[ERROR] Process not found: 999999999\n');
    });

    test('with --pid the command is PID 1 of its namespace: exec joins it, and SIGTERM to enroot ends it', async () => {
      const running = await background(sandbox, ['--pid', 'alpha', 'sh', '-c', 'echo up; sleep 30']);
      const inside = await sandbox.enroot(['exec', String(running.pid), 'sh', '-c', 'cat /proc/1/comm']);
      process.kill(running.pid, 'SIGTERM');
      assert.equal(await running.ended, 'SIGTERM');
      assert.equal(inside.stdout, 'sleep\n', inside.stderr);
    });

    test('remove asks, handles read-only directories and refuses anything outside the data directory', async () => {
      const root = sandbox.container('gone', (dir) => {
        fs.mkdirSync(path.join(dir, 'locked', 'deep'), { recursive: true });
        fs.chmodSync(path.join(dir, 'locked'), 0o555);
      });
      const no = await sandbox.enroot(['remove', 'gone'], { input: 'n\n' });
      assert.equal(no.status, 0);
      assert.ok(fs.existsSync(root));
      const eof = await sandbox.enroot(['remove', 'gone'], { input: '' });
      assert.equal(eof.status, 1);
      assert.match(eof.stderr, /^\[ERROR\] .*--force/);
      const yes = await sandbox.enroot(['remove', 'gone'], { input: 'y\n' });
      assert.equal(yes.status, 0, yes.stderr);
      assert.ok(!fs.existsSync(root));
      for (const name of ['.', '..', '-x', 'a/b', '']) {
        const refused = await sandbox.enroot(['remove', '-f', '--', name]);
        assert.equal(refused.status, 1, name);
        assert.match(refused.stderr, /^\[ERROR\] Invalid argument/, name);
      }
      fs.symlinkSync(sandbox.config, path.join(sandbox.data, 'link'));
      const outside = await sandbox.enroot(['remove', '-f', 'link']);
      assert.equal(outside.status, 1);
      assert.ok(fs.existsSync(sandbox.config));
    });
  });
}
