// Concurrency around running containers: eight starts of one container at once, and `remove` while a
// container runs with a host directory bound into it. Every start runs its command; the rootfs is unchanged
// by them; removing a running container never deletes anything outside the data directory.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ENROOT_BIN } from '../fixtures/cli.js';
import { runtimeSandbox, type RuntimeSandbox } from '../fixtures/runtime-containers.js';
import { testUsers } from '../fixtures/users.js';

const STARTS = 8;

/** Every path below `root` (relative), sorted. */
function tree(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[]).sort();
}

/** Starts `enroot start ARGS` in the background and resolves once it printed its first line. */
async function startInBackground(sandbox: RuntimeSandbox, args: string[]): Promise<{ pid: number; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [ENROOT_BIN, 'start', ...args], {
    env: sandbox.env(), cwd: sandbox.dir, uid: sandbox.user.uid, gid: sandbox.user.gid, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  await Promise.race([
    new Promise<void>((resolve) => child.stdout.once('data', () => resolve())),
    exited.then((code) => { throw new Error(`the container exited (${code}) before it ran: ${Buffer.concat(stderr).toString()}`); }),
  ]);
  return { pid: child.pid as number, exited };
}

for (const user of testUsers()) {
  describe(`running containers concurrently as ${user.name} (uid ${user.uid})`, () => {
    const sandbox = runtimeSandbox(user);
    after(() => sandbox.remove());

    test(`${STARTS} concurrent starts of one container all run, and leave the rootfs as it was`, async () => {
      const root = sandbox.container('shared', (dir) => fs.writeFileSync(path.join(dir, 'etc', 'marker'), 'marker\n'));
      // The first start leaves what every start leaves (/.lock, mount placeholders): compare after it.
      assert.equal((await sandbox.enroot(['start', 'shared', 'true'])).status, 0);
      const before = tree(root);
      const results = await Promise.all(Array.from({ length: STARTS }, (_, index) => sandbox.enroot(['start', '-e', `INDEX=${index}`, 'shared', 'sh', '-c', 'cat /etc/marker; echo "$INDEX"'], { timeoutMs: 90_000 })));
      results.forEach((result, index) => {
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout, `marker\n${index}\n`);
      });
      assert.deepEqual(tree(root), before);
    });

    test('remove -f of a running container deletes only the container; its bound host directory survives', async () => {
      const hostData = sandbox.file('bound/precious', 'precious\n');
      sandbox.container('running');
      const running = await startInBackground(sandbox, ['-m', `${path.dirname(hostData)}:/mnt`, 'running', 'sh', '-c', 'echo up; sleep 20']);
      try {
        const removed = await sandbox.enroot(['remove', '-f', 'running']);
        // The bind mount lives in the container's own mount namespace: from the host the directory is plain
        // and goes, while the host directory behind the bind stays.
        assert.equal(removed.status, 0, removed.stderr);
        assert.equal(removed.stderr, '');
        assert.deepEqual(fs.readdirSync(sandbox.data).sort(), ['shared']);
        assert.equal(fs.readFileSync(hostData, 'utf8'), 'precious\n', 'the host directory bound into the container is untouched');
      } finally {
        process.kill(running.pid, 'SIGTERM');
        await running.exited;
      }
      assert.equal(fs.readFileSync(hostData, 'utf8'), 'precious\n');
    });
  });
}
