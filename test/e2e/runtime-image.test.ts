// `enroot start IMAGE.sqsh`: squashfuse under an in-memory overlay; writes vanish at exit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openFuseToEveryone, runtimeSandbox } from '../fixtures/runtime-containers.js';
import { testUsers, type TestUser } from '../fixtures/users.js';

before(() => openFuseToEveryone());

for (const user of testUsers()) {
  describe(`image start as ${user.name} (uid ${user.uid})`, () => {
    const sandbox = runtimeSandbox(user);
    after(() => sandbox.remove());
    const image = sandbox.image('test');

    test('the image runs; files written inside are gone afterwards', async () => {
      const first = await sandbox.enroot(['start', image, 'cat', '/etc/os-release']);
      assert.equal(first.stdout, 'ID=busybox-test\n', first.stderr);
      const write = await sandbox.enroot(['start', '--rw', image, 'sh', '-c', 'echo hi > /new && rm /etc/os-release && cat /new']);
      assert.equal(write.stdout, 'hi\n', write.stderr);
      const again = await sandbox.enroot(['start', image, 'sh', '-c', 'ls /new; cat /etc/os-release']);
      assert.equal(again.stdout, 'ID=busybox-test\n');
      assert.match(again.stderr, /No such file or directory/);
    });

    test('without --rw the image is read-only; with --root the files are the caller\'s', async () => {
      const readOnly = await sandbox.enroot(['start', image, 'touch', '/x']);
      assert.equal(readOnly.status, 1);
      const owner = await sandbox.enroot(['start', '--root', image, 'stat', '-c', '%u', '/etc/os-release']);
      assert.equal(owner.stdout, '0\n', owner.stderr);
    });

    test('a file that is not an image is taken as a container name', async () => {
      const notImage = sandbox.file('plain.sqsh', 'not squashfs');
      const result = await sandbox.enroot(['start', notImage, 'true']);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^\[ERROR\] Invalid argument: /);
    });
  });
}

describe('image start with fuse-overlayfs (ENROOT_NATIVE_OVERLAYFS off)', () => {
  const user = testUsers().at(-1) as TestUser;
  const sandbox = runtimeSandbox(user);
  after(() => sandbox.remove());
  const image = sandbox.image('fuse');

  test('writes, deletions and metadata changes work and vanish at exit', async () => {
    const extra = { ENROOT_NATIVE_OVERLAYFS: 'n' };
    const write = await sandbox.enroot(['start', '--rw', image, 'sh', '-c', 'echo x > /y && chmod 600 /y && rm /etc/os-release && mkdir /d && cat /y'], { extra, timeoutMs: 20_000 });
    assert.equal(write.stdout, 'x\n', write.stderr);
    const again = await sandbox.enroot(['start', image, 'cat', '/etc/os-release'], { extra, timeoutMs: 20_000 });
    assert.equal(again.stdout, 'ID=busybox-test\n', again.stderr);
  });
});
