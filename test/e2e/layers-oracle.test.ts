// The merge written through the directory sink equals GNU tar applying the same layers bottom-up with the
// OCI whiteout rules (test/fixtures/layer-oracle.ts), as root and as an unprivileged user.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decompressLayer, makeLayer, type LayerBlob } from '../fixtures/images.js';
import { ORACLE_LAYERS } from '../fixtures/layer-fixtures.js';
import { loadAs, writeLayerFiles } from '../fixtures/layer-load-run.js';
import { applyLoadModes, oracleMerge, snapshot, userXattrs, type TreeSnapshot } from '../fixtures/layer-oracle.js';
import { makeUserTempDir, testUsers } from '../fixtures/users.js';

const isRoot = process.getuid?.() === 0;

describe('layer merge against the GNU tar oracle', { skip: !isRoot && 'the oracle needs root (ownership, devices)' }, () => {
  let scratch: string;
  let blobs: LayerBlob[];
  let expected: TreeSnapshot;
  let expectedXattrs: Record<string, Record<string, string>>;

  before(async () => {
    scratch = mkdtempSync('/dev/shm/enroot-layers-oracle-');
    chmodSync(scratch, 0o755);
    blobs = await Promise.all(ORACLE_LAYERS.map((spec) => makeLayer(spec)));
    const tars = await Promise.all(blobs.map((blob) => decompressLayer(blob)));
    const merged = mkdtempSync(join(scratch, 'oracle-'));
    oracleMerge(tars, merged, scratch);
    expectedXattrs = userXattrs(merged);
    applyLoadModes(merged);
    expected = snapshot(merged);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('the oracle itself shows the cases the fixtures are for', () => {
    const paths = Object.keys(expected.entries);
    assert.ok(!paths.includes('etc/alt') && !paths.includes('gone') && !paths.includes('var/lib/old-a') && !paths.includes('dev/null'));
    assert.equal(expected.entries['opt/dir-to-file']?.type, 'file');
    assert.equal(expected.entries['opt/file-to-dir']?.type, 'directory');
    assert.deepEqual(expected.hardlinkGroups, [['usr/bin/crosslink', 'usr/bin/shared2']]);
    assert.deepEqual(Object.keys(expectedXattrs), ['etc/xattr-file']);
  });

  for (const user of testUsers()) {
    it(`as ${user.name}: same paths, types, contents, modes, times, links, hardlink groups and xattrs`, () => {
      const home = makeUserTempDir(user, 'enroot-layers-');
      try {
        const target = join(home.dir, 'rootfs');
        const result = loadAs(user, writeLayerFiles(blobs, scratch), target);
        const actual = snapshot(target);
        const privileged = user.uid === 0;
        const wanted: TreeSnapshot = structuredClone(expected);
        for (const [path, entry] of Object.entries(wanted.entries)) {
          // Device nodes are never created in a container directory (they would be live on the host).
          if (entry.type === 'char' || entry.type === 'block') delete wanted.entries[path];
          else if (!privileged) Object.assign(entry, { uid: user.uid, gid: user.gid });
        }
        assert.deepEqual(Object.keys(actual.entries).sort(), Object.keys(wanted.entries).sort());
        for (const path of Object.keys(wanted.entries)) assert.deepEqual(actual.entries[path], wanted.entries[path], path);
        assert.deepEqual(actual.hardlinkGroups, wanted.hardlinkGroups);
        assert.deepEqual(result.xattrs, expectedXattrs);
        assert.match(result.warnings.join('\n'), /1 device node\(s\) left out/);
      } finally {
        home.remove();
      }
    });
  }
});
