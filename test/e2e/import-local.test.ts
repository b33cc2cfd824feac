// import from docker-archive://, oci-archive:// and oci:// end to end: the same merge, configuration and
// provenance as a registry import, read back by unsquashfs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { runEnroot } from '../fixtures/cli.js';
import { makeEnrootHome } from '../fixtures/enroot-env.js';
import { buildImage, buildIndex, busyboxLayer, type BuiltImage } from '../fixtures/images.js';
import { writeDockerArchive, writeOciArchive, writeOciLayout } from '../fixtures/archive-images.js';
import { testUsers } from '../fixtures/users.js';
import { unsquashfsCat, unsquashfsListing } from '../fixtures/squashfs-oracles.js';

const archives = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-archives-'));
const at = (name: string) => path.join(archives, name);
let app: BuiltImage;

before(async () => {
  fs.chmodSync(archives, 0o755);
  app = await buildImage({
    layers: [busyboxLayer(), { entries: [{ path: 'etc/motd', content: 'hello\n' }, { path: 'bin/.wh.cat' }] }],
    config: { Env: ['A=1'], Cmd: ['/bin/sh'], WorkingDir: '/srv/app', Labels: { owner: 'me' } },
  });
  const arm = await buildImage({ layers: [{ entries: [{ path: 'etc/motd', content: 'arm\n' }] }], architecture: 'arm64', variant: 'v8' });
  await writeDockerArchive(at('legacy.tar'), [{ image: app, tag: 'app:1' }], 'legacy');
  await writeDockerArchive(at('saved.tar'), [{ image: app, tag: 'app:1' }], 'blobs');
  await writeOciArchive(at('multi.tar'), buildIndex([app, arm]));
  writeOciLayout(at('layout'), buildIndex([app, arm]), { flatten: true });
  fs.writeFileSync(at('empty.tar'), Buffer.alloc(1024));
  execFileSync('chmod', ['-R', 'a+rX', archives]);
});
after(() => fs.rmSync(archives, { recursive: true, force: true }));


for (const user of testUsers()) {
  describe(`as ${user.name}`, () => {
    const home = makeEnrootHome(user);
    const run = (args: string[], extra: Record<string, string> = {}) =>
      runEnroot(args, { env: home.env(extra), user, cwd: home.dir, timeoutMs: 60_000 });
    after(() => home.remove());

    for (const [uri, output] of [
      [`docker-archive://${at('legacy.tar')}`, 'legacy.sqsh'],
      [`docker-archive://${at('saved.tar')}`, 'saved.sqsh'],
      [`oci-archive://${at('multi.tar')}`, 'multi.sqsh'],
    ] as const) {
      test(`${uri.split(':')[0]} ${path.basename(output, '.sqsh')}: the image, its configuration and provenance under the default name`, async () => {
        const result = await run(['import', uri]);
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout, '');
        const image = path.join(home.dir, output);
        assert.equal(unsquashfsCat(image, 'etc/motd'), 'hello\n');
        assert.equal(unsquashfsCat(image, '.enroot/source'), `uri=${uri}\n`);
        assert.match(unsquashfsCat(image, 'etc/rc'), new RegExp(`^# enroot-provenance: ${uri.replace(/[.]/g, '\\.')}\n# owner me\n`));
        assert.equal(unsquashfsCat(image, 'etc/environment'), 'A=1\n');
        assert.doesNotMatch(unsquashfsListing(image), /squashfs-root\/bin\/cat\b/, 'whiteout applied');
        assert.match(unsquashfsListing(image), /^d.* squashfs-root\/srv\/app$/m, 'working directory created');
      });
    }

    test('oci:// picks the --arch platform from a layout directory; SOURCE_DATE_EPOCH makes it reproducible', async () => {
      const env = { SOURCE_DATE_EPOCH: '1700000000' };
      const uri = `oci://${at('layout')}`;
      assert.equal((await run(['import', '-a', 'aarch64', '-o', 'arm1.sqsh', uri], env)).status, 0);
      const second = await run(['import', '-a', 'arm64', '-o', 'arm2.sqsh', uri], env);
      assert.equal(second.status, 0, second.stderr);
      assert.doesNotMatch(second.stderr, /WARN/);
      assert.equal(unsquashfsCat(path.join(home.dir, 'arm1.sqsh'), 'etc/motd'), 'arm\n');
      assert.ok(fs.readFileSync(path.join(home.dir, 'arm1.sqsh')).equals(fs.readFileSync(path.join(home.dir, 'arm2.sqsh'))));
      const absent = await run(['import', '-a', 'ppc64le', '-o', 'ppc.sqsh', uri]);
      assert.match(absent.stderr, /^\[ERROR\] No image for platform linux\/ppc64le in oci:\/\/.*: choose one with --arch$/m);
    });

    test('damaged or wrong inputs give one error line and leave nothing behind', async () => {
      const before = fs.readdirSync(home.dir).sort();
      const cases: [string, RegExp][] = [
        [`docker-archive://${at('absent.tar')}`, /^\[ERROR\] No such file or directory: .*absent\.tar$/],
        [`docker-archive://${at('multi.tar')}`, /^\[ERROR\] .* is not a docker save archive \(it has no manifest.json\): import it with oci-archive:\/\/$/],
        [`oci-archive://${at('empty.tar')}`, /^\[ERROR\] .* is not an OCI image layout/],
        [`oci://${at('legacy.tar')}`, /^\[ERROR\] .* is not a directory: oci:\/\/ takes an OCI layout directory, oci-archive:\/\/ a tar of one$/],
        ['oci://', /^\[ERROR\] Invalid image reference: oci:\/\//],
      ];
      for (const [uri, message] of cases) {
        const result = await run(['import', '-o', 'bad.sqsh', uri]);
        assert.equal(result.status, 1, uri);
        assert.match(result.stderr.trim(), message);
      }
      assert.deepEqual(fs.readdirSync(home.dir).sort(), before);
    });
  });
}
