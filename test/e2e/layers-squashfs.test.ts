// The merge streamed straight into our squashfs writer (the writer is a TreeSink as it is) gives, once
// unsquashfs extracts it, the tree GNU tar gives when applying the same layers (test/fixtures/layer-oracle.ts):
// what import produces, before the caller's choices (ownership flattening) are applied.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mergeLayers } from '../../src/layers/index.js';
import type { TreeSink } from '../../src/layers/sink.js';
import { defaultSquashfsOptions, SquashfsWriter } from '../../src/squashfs/index.js';
import { decompressLayer, makeLayer } from '../fixtures/images.js';
import { ORACLE_LAYERS } from '../fixtures/layer-fixtures.js';
import { layerInputs } from '../fixtures/layer-recording.js';
import { oracleMerge, snapshot, userXattrs } from '../fixtures/layer-oracle.js';

const isRoot = process.getuid?.() === 0;

describe('layer merge into a squashfs image', { skip: !isRoot && 'the oracle and unsquashfs need root (ownership, devices)' }, () => {
  let scratch: string;
  before(() => { scratch = mkdtempSync('/dev/shm/enroot-layers-squashfs-'); });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('unsquashfs gives back the oracle tree: contents, types, modes, owners, times, hardlinks, xattrs', async () => {
    const blobs = await Promise.all(ORACLE_LAYERS.map((spec) => makeLayer(spec)));
    const merged = mkdtempSync(join(scratch, 'oracle-'));
    oracleMerge(await Promise.all(blobs.map((blob) => decompressLayer(blob))), merged, scratch);

    const image = join(scratch, 'image.sqsh');
    const writer = await SquashfsWriter.create(image, defaultSquashfsOptions());
    const sink: TreeSink = writer;
    await mergeLayers({ sink, layers: await layerInputs(ORACLE_LAYERS), implicitDirectoryMeta: { mode: 0o755, uid: 0, gid: 0, mtime: 0 }, warn: () => {} });
    await writer.finish();
    const extracted = join(scratch, 'extracted');
    execFileSync('unsquashfs', ['-no-progress', '-quiet', '-d', extracted, image], { stdio: 'ignore' });

    const expected = snapshot(merged);
    const actual = snapshot(extracted);
    assert.deepEqual(Object.keys(actual.entries).sort(), Object.keys(expected.entries).sort());
    for (const path of Object.keys(expected.entries)) assert.deepEqual(actual.entries[path], expected.entries[path], path);
    assert.deepEqual(actual.hardlinkGroups, expected.hardlinkGroups);
    assert.deepEqual(userXattrs(extracted), userXattrs(merged));
  });
});
