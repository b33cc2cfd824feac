// enroot create of hostile squashfs images (see fixtures/hostile-squashfs.ts for how they are made): a `..`
// name, a name with a slash, a duplicate name whose first entry is a symlink to / and whose second is a
// directory with a file, an inode reference out of bounds, a directory loop, and a path too deep to remove
// by path. Each ends in one
// [ERROR] line naming the image, exit status 1, nothing written outside the staging directory and no
// staging directory left; as each test user.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runEnroot } from '../fixtures/cli.js';
import { makeEnrootHome } from '../fixtures/enroot-env.js';
import { HOSTILE_KINDS, writeHostileSquashfs } from '../fixtures/hostile-squashfs.js';
import { testUsers } from '../fixtures/users.js';

const PWNED = `enroot-hostile-squashfs-${process.pid}`;
let images: string;

before(async () => {
  images = fs.mkdtempSync('/tmp/enroot-hostile-squashfs-');
  fs.chmodSync(images, 0o755);
  for (const [index, kind] of HOSTILE_KINDS.entries()) await writeHostileSquashfs(kind, path.join(images, `${index}.sqsh`), PWNED);
});
after(() => {
  fs.rmSync(images, { recursive: true, force: true });
  fs.rmSync(path.join('/', PWNED), { recursive: true, force: true });
});

for (const user of testUsers()) {
  describe(`as ${user.name}`, () => {
    const home = makeEnrootHome(user);
    after(() => home.remove());

    for (const [index, kind] of HOSTILE_KINDS.entries()) {
      test(`an image with a ${kind} is refused and leaves nothing`, async () => {
        const image = path.join(images, `${index}.sqsh`);
        const result = await runEnroot(['create', '-n', 'hostile', image], { env: home.env(), user, cwd: home.dir, timeoutMs: 60_000 });
        assert.equal(result.status, 1, result.stderr);
        const errors = result.stderr.split('\n').filter((line) => line.startsWith('[ERROR]'));
        assert.equal(errors.length, 1, result.stderr);
        assert.match(errors[0]!, new RegExp(`^\\[ERROR\\] Invalid image format: ${image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(.+\\)$`));
        assert.doesNotMatch(result.stderr, /\bat .*\.js:\d+/, 'no stack trace');
        assert.deepEqual(fs.existsSync(home.data) ? fs.readdirSync(home.data) : [], [], 'no container, no staging directory, nothing beside them');
        assert.equal(fs.existsSync(path.join('/', PWNED)), false, 'nothing written through the symlink');
        assert.deepEqual(fs.readdirSync(images).sort(), HOSTILE_KINDS.map((_, i) => `${i}.sqsh`).sort(), 'nothing written beside the images');
      });
    }
  });
}
