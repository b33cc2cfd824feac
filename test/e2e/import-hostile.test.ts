// Hostile layers through the real commands: import, then create and load, as each test user. Nothing may be
// written outside the image or the container, whatever the layers say.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runEnroot } from '../fixtures/cli.js';
import { makeEnrootHome } from '../fixtures/enroot-env.js';
import { busyboxLayer, buildImage, pushImage } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { testUsers } from '../fixtures/users.js';
import { unsquashfsListing } from '../fixtures/squashfs-oracles.js';

let registry: RegistryFixture;
let outside: string;

before(async () => {
  registry = await startRegistry('plain');
  outside = fs.mkdtempSync('/tmp/enroot-outside-');
  fs.chmodSync(outside, 0o777);
  fs.writeFileSync(path.join(outside, 'victim'), 'original\n');
  fs.chmodSync(path.join(outside, 'victim'), 0o666);
  const hostile = await buildImage({
    layers: [
      busyboxLayer(),
      {
        entries: [
          { path: '../escape-dotdot', content: 'x' },
          { path: `/${outside.slice(1)}/absolute`, content: 'x' },
          { path: 'link-to-root', type: 'symlink', linkname: '/' },
          { path: `link-to-root/${outside.slice(1)}/through-symlink`, content: 'x' },
          { path: 'link-to-outside', type: 'symlink', linkname: outside },
          { path: 'link-to-outside/victim', content: 'overwritten\n' },
          { path: 'hard-to-host', type: 'link', linkname: `${outside.slice(1)}/victim` },
          { path: 'etc/.wh.passwd' },
        ],
      },
      { entries: [{ path: 'link-to-outside/second-layer', content: 'x' }, { path: `../../${outside.slice(1)}/deep`, content: 'x' }] },
    ],
  });
  await pushImage(registry, 'test/hostile', '1', hostile);
});
after(async () => {
  await registry?.stop();
  fs.rmSync(outside, { recursive: true, force: true });
});

function assertOutsideUntouched(): void {
  assert.deepEqual(fs.readdirSync(outside), ['victim']);
  assert.equal(fs.readFileSync(path.join(outside, 'victim'), 'utf8'), 'original\n');
  assert.equal(fs.existsSync('/escape-dotdot'), false);
}

for (const user of testUsers()) {
  describe(`as ${user.name}`, () => {
    const home = makeEnrootHome(user);
    const run = (args: string[]) => runEnroot(args, { env: home.env({ ENROOT_ALLOW_HTTP: 'y' }), user, cwd: home.dir, timeoutMs: 120_000 });
    after(() => home.remove());

    test('import keeps hostile entries out of the image', async () => {
      const result = await run(['import', '-o', 'hostile.sqsh', `docker://${registry.host}#test/hostile:1`]);
      assert.equal(result.status, 0, result.stderr);
      assertOutsideUntouched();
      const listing = unsquashfsListing(path.join(home.dir, 'hostile.sqsh'));
      assert.doesNotMatch(listing, /escape-dotdot|through-symlink|deep/, 'entries with .. or below a symlink of their layer are dropped');
      assert.doesNotMatch(listing, /hard-to-host/, 'a hardlink to a host path has no target in the image');
      assert.match(listing, new RegExp(`squashfs-root/${outside.slice(1)}/absolute$`, 'm'), 'absolute names land inside the image');
      assert.match(listing, /squashfs-root\/link-to-root -> \/$/m);
    });

    test('create and load of that image write nothing outside the container', async () => {
      assert.equal((await run(['create', '-n', 'created', 'hostile.sqsh'])).status, 0);
      const loaded = await run(['load', '-n', 'loaded', `docker://${registry.host}#test/hostile:1`]);
      assert.equal(loaded.status, 0, loaded.stderr);
      assertOutsideUntouched();
      for (const name of ['created', 'loaded']) {
        const rootfs = path.join(home.data, name);
        assert.equal(fs.readlinkSync(path.join(rootfs, 'link-to-root')), '/', 'symlinks are kept as symlinks, never followed');
        assert.ok(fs.existsSync(path.join(rootfs, outside.slice(1), 'absolute')), 'absolute names land inside the container');
        assert.equal(fs.existsSync(path.join(rootfs, 'etc', 'passwd')), false, 'whiteout applied');
      }
    });
  });
}
