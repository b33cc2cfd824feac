// Differential test: random layer stacks merged through the directory sink (as root) against the GNU tar
// oracle. A failure names its seed; rerun it with LAYERS_RANDOM_SEEDS=<seed> (or a range, 100-300).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DirectorySink } from '../../src/image/directory-sink.js';
import { mergeLayers } from '../../src/layers/index.js';
import { decompressLayer, makeLayer } from '../fixtures/images.js';
import { applyLoadModes, oracleMerge, snapshot } from '../fixtures/layer-oracle.js';
import { randomLayers } from '../fixtures/layer-random.js';
import { layerInputs } from '../fixtures/layer-recording.js';

const isRoot = process.getuid?.() === 0;
const [FIRST, LAST] = (process.env.LAYERS_RANDOM_SEEDS ?? '1-40').split('-').map(Number) as [number, number?];
const SEEDS = Array.from({ length: (LAST ?? FIRST) - FIRST + 1 }, (_, i) => FIRST + i);

describe('random layer stacks against the GNU tar oracle', { skip: !isRoot && 'the oracle needs root' }, () => {
  let scratch: string;
  before(() => { scratch = mkdtempSync('/dev/shm/enroot-layers-random-'); });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it(`agree for seeds ${SEEDS[0]}..${SEEDS[SEEDS.length - 1]}`, async () => {
    for (const seed of SEEDS) {
      const specs = randomLayers(seed);
      const work = mkdtempSync(join(scratch, `seed-${seed}-`));
      const oracle = join(work, 'oracle');
      mkdirSync(oracle);
      const blobs = await Promise.all(specs.map((spec) => makeLayer(spec)));
      oracleMerge(await Promise.all(blobs.map((blob) => decompressLayer(blob))), oracle, work, { tolerateTarErrors: true });
      applyLoadModes(oracle);
      const target = join(work, 'merged');
      const sink = await DirectorySink.create(target, { warn: () => {} });
      await mergeLayers({ sink, layers: await layerInputs(specs), implicitDirectoryMeta: { mode: 0o755, uid: 0, gid: 0, mtime: 0 }, warn: () => {} });
      await sink.finish();
      const expected = snapshot(oracle);
      const actual = snapshot(target);
      const context = `seed ${seed}: ${JSON.stringify(specs.map((spec) => spec.entries.map((entry) => `${entry.type ?? 'file'} ${entry.path}${entry.linkname ? ` -> ${entry.linkname}` : ''}`)))}`;
      assert.deepEqual(Object.keys(actual.entries).sort(), Object.keys(expected.entries).sort(), context);
      for (const path of Object.keys(expected.entries)) assert.deepEqual(actual.entries[path], expected.entries[path], `${context}\npath ${path}`);
      assert.deepEqual(actual.hardlinkGroups, expected.hardlinkGroups, context);
      rmSync(work, { recursive: true, force: true });
    }
  });
});
