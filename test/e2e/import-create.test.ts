// import and create end to end, against a real registry, read back by unsquashfs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runEnroot } from '../fixtures/cli.js';
import { makeEnrootHome } from '../fixtures/enroot-env.js';
import { busyboxLayer, buildImage, buildIndex, pushImage } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { testUsers } from '../fixtures/users.js';
import { unsquashfsCat, unsquashfsListing } from '../fixtures/squashfs-oracles.js';

let registry: RegistryFixture;

before(async () => {
  registry = await startRegistry('plain');
  const base = busyboxLayer();
  const app = await buildImage({
    layers: [base, { entries: [{ path: 'etc/motd', content: 'hello\n' }, { path: 'bin/.wh.cat' }, { path: 'secret', content: 'x', mode: 0o200 }] }],
    config: { Env: ['A=1', 'B=two words'], Cmd: ['/bin/sh', '-c', 'echo "$A"'], WorkingDir: '/srv/app', Labels: { owner: "o'brien" } },
  });
  await pushImage(registry, 'test/app', '1.0', app);
  const arm = await buildImage({ layers: [base], architecture: 'arm64', variant: 'v8' });
  await pushImage(registry, 'test/multi', 'latest', buildIndex([app, arm]));
});
after(async () => registry?.stop());

const uri = (repository: string, tag = '1.0') => `docker://${registry.host}#${repository}:${tag}`;

for (const user of testUsers()) {
  describe(`as ${user.name}`, () => {
    const home = makeEnrootHome(user);
    const run = (args: string[], extra: Record<string, string> = {}) =>
      runEnroot(args, { env: home.env({ ENROOT_ALLOW_HTTP: 'y', ...extra }), user, cwd: home.dir, timeoutMs: 120_000 });
    after(() => home.remove());

    test('import writes a root-owned image with provenance, never a credential, and the digest of enroot digest', async () => {
      const withPassword = `docker://someone:hunter2secret@${registry.host}#test/app:1.0`;
      const result = await run(['import', withPassword]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, '');
      const image = path.join(home.dir, 'test+app+1.0.sqsh');
      const source = unsquashfsCat(image, '.enroot/source');
      const digest = await run(['digest', uri('test/app')]);
      assert.equal(source, `uri=docker://${registry.host}#test/app:1.0\ndigest=${digest.stdout.trim()}\n`);
      assert.doesNotMatch(result.stderr + source + unsquashfsCat(image, 'etc/rc'), /hunter2secret|someone/);
      const lines = unsquashfsListing(image).split('\n').filter((line) => line.includes('squashfs-root'));
      assert.ok(lines.every((line) => / 0\/0 /.test(line)), 'every inode owned by 0:0');
      assert.match(unsquashfsListing(image), /^--w------- 0\/0 .* squashfs-root\/secret$/m, 'original modes kept');
      assert.doesNotMatch(unsquashfsListing(image), /squashfs-root\/bin\/cat\b/, 'whiteout applied');
      assert.match(unsquashfsListing(image), /^d.* squashfs-root\/srv\/app$/m, 'working directory created');
      assert.match(unsquashfsCat(image, 'etc/rc'), /^# enroot-provenance: docker:\/\/.*#test\/app:1\.0\n/);
      assert.equal(unsquashfsCat(image, 'etc/environment'), 'A=1\nB=two words\n');
    });

    test('import picks the requested platform from an index and warns on none of its own', async () => {
      const result = await run(['import', '-a', 'aarch64', '-o', 'arm.sqsh', uri('test/multi', 'latest')]);
      assert.equal(result.status, 0, result.stderr);
      const source = unsquashfsCat(path.join(home.dir, 'arm.sqsh'), '.enroot/source');
      const digest = await run(['digest', '-a', 'arm64/v8', uri('test/multi', 'latest')]);
      assert.ok(source.endsWith(`digest=${digest.stdout.trim()}\n`));
      const absent = await run(['import', '-a', 'ppc64le', '-o', 'ppc.sqsh', uri('test/multi', 'latest')]);
      assert.equal(absent.status, 1);
      assert.match(absent.stderr, /\[ERROR\] .*linux\/amd64.*linux\/arm64/);
      assert.equal(fs.existsSync(path.join(home.dir, 'ppc.sqsh')), false);
    });

    test('SOURCE_DATE_EPOCH gives byte-identical images', async () => {
      const env = { SOURCE_DATE_EPOCH: '1700000000' };
      assert.equal((await run(['import', '-o', 'r1.sqsh', uri('test/app')], env)).status, 0);
      assert.equal((await run(['import', '-o', 'r2.sqsh', uri('test/app')], env)).status, 0);
      assert.ok(fs.readFileSync(path.join(home.dir, 'r1.sqsh')).equals(fs.readFileSync(path.join(home.dir, 'r2.sqsh'))));
      assert.match(unsquashfsListing(path.join(home.dir, 'r1.sqsh')), /2023-11-14 22:13 squashfs-root\/etc\/rc$/m);
    });

    test('import refuses an existing output, a missing directory and unknown schemes, leaving nothing behind', async () => {
      const before = fs.readdirSync(home.dir).sort();
      const exists = await run(['import', '-o', 'r1.sqsh', uri('test/app')]);
      assert.equal(exists.status, 1);
      assert.equal(exists.stderr.trim(), `[ERROR] File already exists: ${path.join(home.dir, 'r1.sqsh')}`);
      const noDir = await run(['import', '-o', 'nowhere/x.sqsh', uri('test/app')]);
      assert.equal(noDir.stderr.trim(), `[ERROR] No such file or directory: ${path.join(home.dir, 'nowhere')}`);
      const scheme = await run(['import', 'ftp://example/x']);
      assert.equal(scheme.stderr.trim(), '[ERROR] Invalid image reference: ftp://example/x');
      const missing = await run(['import', '-o', 'missing.sqsh', uri('test/absent')]);
      assert.equal(missing.status, 1);
      assert.equal(missing.stderr.trim().split('\n').filter((line) => line.startsWith('[ERROR]')).length, 1);
      assert.deepEqual(fs.readdirSync(home.dir).sort(), before, 'no output or temporary file left');
    });

    test('create unpacks an image into the data directory with owner permissions fixed', async () => {
      const result = await run(['create', 'test+app+1.0.sqsh']);
      assert.equal(result.status, 0, result.stderr);
      const rootfs = path.join(home.data, 'test+app+1.0');
      assert.equal(fs.readFileSync(path.join(rootfs, 'etc/motd'), 'utf8'), 'hello\n');
      assert.equal(fs.statSync(path.join(rootfs, 'secret')).mode & 0o777, 0o600, 'owner read added (spec 5.2)');
      assert.equal(fs.statSync(rootfs).uid, user.uid);
      assert.ok(fs.readFileSync(path.join(rootfs, '.enroot/source'), 'utf8').startsWith('uri=docker://'));
      assert.deepEqual(fs.readdirSync(home.data), ['test+app+1.0'], 'no staging directory left');
    });

    test('load writes the merged image into the data directory, with provenance', async () => {
      const rootfs = path.join(home.data, 'test+app+1.0-loaded');
      const collision = await run(['load', uri('test/app')]);
      assert.equal(collision.stderr.trim(), `[ERROR] File already exists: ${path.join(home.data, 'test+app+1.0')}`, 'default name, checked first');
      const named = await run(['load', '-n', 'test+app+1.0-loaded', uri('test/app')]);
      assert.equal(named.status, 0, named.stderr);
      assert.equal(fs.readFileSync(path.join(rootfs, 'etc/motd'), 'utf8'), 'hello\n');
      assert.equal(fs.existsSync(path.join(rootfs, 'bin/cat')), false, 'whiteout applied');
      assert.ok(fs.statSync(path.join(rootfs, 'srv/app')).isDirectory());
      const digest = await run(['digest', uri('test/app')]);
      assert.equal(fs.readFileSync(path.join(rootfs, '.enroot/source'), 'utf8'), `uri=docker://${registry.host}#test/app:1.0\ndigest=${digest.stdout.trim()}\n`);
      assert.equal(fs.statSync(path.join(rootfs, 'bin/busybox')).uid, user.uid);
      const again = await run(['load', '-n', 'test+app+1.0-loaded', uri('test/app')]);
      assert.equal(again.stderr.trim(), `[ERROR] File already exists: ${rootfs}`);
      fs.writeFileSync(path.join(rootfs, 'marker'), 'old');
      const forced = await run(['load', '-f', '-n', 'test+app+1.0-loaded', uri('test/app')]);
      assert.equal(forced.status, 0, forced.stderr);
      assert.equal(fs.existsSync(path.join(rootfs, 'marker')), false);
      assert.deepEqual(fs.readdirSync(home.data).sort(), ['test+app+1.0', 'test+app+1.0-loaded'], 'no staging directory left');
    });

    test('create refuses what it cannot use, and --force replaces only with a complete tree', async () => {
      const again = await run(['create', 'test+app+1.0.sqsh']);
      assert.equal(again.stderr.trim(), `[ERROR] File already exists: ${path.join(home.data, 'test+app+1.0')}`);
      fs.writeFileSync(path.join(home.dir, 'bogus.sqsh'), 'not an image');
      const bogus = await run(['create', 'bogus.sqsh']);
      assert.match(bogus.stderr, /^\[ERROR\] Invalid image format: .*bogus\.sqsh/);
      for (const name of ['..', '.', '-x', 'a/b']) {
        const bad = await run(['create', '-n', name, 'test+app+1.0.sqsh']);
        assert.equal(bad.status, 1, name);
        assert.match(bad.stderr, /^\[ERROR\] Invalid argument/, name);
      }
      const marker = path.join(home.data, 'test+app+1.0', 'marker');
      fs.writeFileSync(marker, 'old');
      const failing = await run(['create', '-f', '-n', 'test+app+1.0', 'bogus.sqsh']);
      assert.equal(failing.status, 1);
      assert.ok(fs.existsSync(marker), 'a failed --force keeps the old container');
      const forced = await run(['create', '-f', '-n', 'test+app+1.0', 'r1.sqsh']);
      assert.equal(forced.status, 0, forced.stderr);
      assert.equal(fs.existsSync(marker), false, 'replaced');
      assert.deepEqual(fs.readdirSync(home.data).sort(), ['test+app+1.0', 'test+app+1.0-loaded']);
    });
    test('export writes a container to an image without dev/*, /.enroot and /.lock, keeping 0000 files', async () => {
      const rootfs = path.join(home.data, 'test+app+1.0');
      fs.mkdirSync(path.join(rootfs, 'dev'), { recursive: true });
      fs.writeFileSync(path.join(rootfs, 'dev', 'leftover'), '');
      fs.writeFileSync(path.join(rootfs, '.lock'), '');
      fs.writeFileSync(path.join(rootfs, 'empty-0000'), '');
      fs.chmodSync(path.join(rootfs, 'empty-0000'), 0);
      fs.writeFileSync(path.join(rootfs, 'added'), 'new file\n');
      if (user.uid === 0) fs.chownSync(path.join(rootfs, 'added'), 1234, 1234);
      const result = await run(['export', '-o', 'exported.sqsh', 'test+app+1.0']);
      assert.equal(result.status, 0, result.stderr);
      const image = path.join(home.dir, 'exported.sqsh');
      const list = unsquashfsListing(image);
      assert.match(list, /squashfs-root\/dev$/m);
      assert.doesNotMatch(list, /squashfs-root\/dev\/leftover|squashfs-root\/\.enroot|squashfs-root\/\.lock/);
      assert.match(list, /^---------- .* squashfs-root\/empty-0000$/m);
      assert.equal(unsquashfsCat(image, 'added'), 'new file\n');
      const owner = user.uid === 0 ? '1234/1234' : '0/0'; // real root keeps owners; anyone else's files become root's
      assert.match(list, new RegExp(`^-rw-r--r-- ${owner} .* squashfs-root/added$`, 'm'));
      const exists = await run(['export', '-o', 'exported.sqsh', 'test+app+1.0']);
      assert.equal(exists.stderr.trim(), `[ERROR] File already exists: ${image}`);
      const missing = await run(['export', 'no-such-container']);
      assert.match(missing.stderr, /^\[ERROR\] No such file or directory: /);
      fs.writeFileSync(path.join(rootfs, 'added'), 'changed\n');
      const forced = await run(['export', '-f', '-o', 'exported.sqsh', 'test+app+1.0']);
      assert.equal(forced.status, 0, forced.stderr);
      assert.equal(unsquashfsCat(image, 'added'), 'changed\n');
      const roundTrip = await run(['create', '-n', 'round-trip', 'exported.sqsh']);
      assert.equal(roundTrip.status, 0, roundTrip.stderr);
      assert.equal(fs.readFileSync(path.join(home.data, 'round-trip', 'etc/motd'), 'utf8'), 'hello\n');
      assert.equal(fs.readdirSync(home.dir).filter((name) => name.includes('.enroot-tmp-')).length, 0, 'no temporary file left');
    });
  });
}
