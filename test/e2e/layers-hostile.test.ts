// Hostile layers cannot write outside the target directory, as root or as an unprivileged user: names with
// '..', absolute names, symlinks to outside followed by entries below them (same layer and across
// layers), hardlinks to host files, and whiteouts that try to reach outside.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeLayer, type LayerBlob, type TarEntry } from '../fixtures/images.js';
import { loadAs, writeLayerFiles } from '../fixtures/layer-load-run.js';
import { walk } from '../fixtures/layer-oracle.js';
import { makeUserTempDir, testUsers } from '../fixtures/users.js';

describe('hostile layers stay inside the target', () => {
  let scratch: string;
  let outside: string;
  let blobs: LayerBlob[];

  before(async () => {
    // Not below /dev: names below dev/ are left out anyway, and these should be merged and stay inside.
    scratch = mkdtempSync(join(tmpdir(), 'enroot-layers-hostile-'));
    chmodSync(scratch, 0o755);
    outside = join(scratch, 'outside');
    mkdirSync(outside);
    chmodSync(outside, 0o777); // writable by anyone: only the merge's own rules keep it untouched
    writeFileSync(join(outside, 'secret'), 'secret', { mode: 0o666 });
    const deep = '../'.repeat(12);
    const lower: TarEntry[] = [
      { path: 'abs-link', type: 'symlink', linkname: outside },
      { path: 'rel-link', type: 'symlink', linkname: `${deep}${outside.slice(1)}` },
      { path: 'root-link', type: 'symlink', linkname: '/' },
      { path: 'etc', type: 'symlink', linkname: outside },
      { path: 'etc/planted-lower', content: 'x' },
    ];
    const upper: TarEntry[] = [
      { path: 'abs-link/planted1', content: 'x' },
      { path: `rel-link/planted2`, content: 'x' },
      { path: `root-link${outside}/planted3`, content: 'x' },
      { path: `../${outside}/planted4`, content: 'x' },
      { path: `${outside}/planted5`, content: 'x' },
      { path: 'same-layer-link', type: 'symlink', linkname: outside },
      { path: 'same-layer-link/planted6', content: 'x' },
      { path: 'same-layer-link/.wh.secret', content: '' },
      { path: `a/../../${outside}/.wh.secret`, content: '' },
      { path: 'stolen', type: 'link', linkname: `${outside}/secret` },
      { path: 'stolen2', type: 'link', linkname: `${deep}${outside.slice(1)}/secret` },
      { path: 'stolen3', type: 'link', linkname: 'abs-link/secret' },
      { path: 'dir-link', type: 'symlink', linkname: outside },
      { path: 'dir-link', type: 'directory' },
      { path: 'dir-link/planted7', content: 'x' },
    ];
    blobs = await Promise.all([makeLayer({ entries: lower }), makeLayer({ entries: upper, compression: 'zstd' })]);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const user of testUsers()) {
    it(`as ${user.name}`, () => {
      const home = makeUserTempDir(user, 'enroot-hostile-');
      try {
        const target = join(home.dir, 'rootfs');
        const result = loadAs(user, writeLayerFiles(blobs, scratch), target);
        assert.deepEqual(readdirSync(outside), ['secret']);
        assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'secret');
        assert.deepEqual(readdirSync(home.dir), ['rootfs']);
        for (const path of walk(target)) {
          const stat = lstatSync(join(target, path));
          if (stat.isFile()) assert.equal(stat.nlink, 1, `${path} is not linked to anything outside`);
        }
        // Upper directories implied by their entries replace the lower symlinks, so the entries land inside.
        assert.ok(existsSync(join(target, 'abs-link/planted1')));
        assert.ok(lstatSync(join(target, 'abs-link')).isDirectory());
        assert.ok(existsSync(join(target, outside.slice(1), 'planted5')));
        assert.equal(existsSync(join(target, 'same-layer-link/planted6')), false);
        assert.ok(lstatSync(join(target, 'same-layer-link')).isSymbolicLink());
        assert.ok(result.warnings.some((warning) => warning.includes("contains '..'")));
        assert.ok(result.warnings.some((warning) => warning.includes('is not a directory in the same layer')));
      } finally {
        home.remove();
      }
    });
  }
});
