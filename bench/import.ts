// Benchmark: `enroot import` of a 5-layer gzip image (bench/lib-fixture.ts) from a loopback registry,
// against the floor measured in the same run: every layer blob decompressed once, two `gzip -dc` at a time.
// Run as `node dist/bench/import.js [--rounds N] [--squash-options WORDS]` (default 3 rounds). Each round
// takes the floor, a warm import (blobs already in the cache) and a cold one (empty cache) in turn,
// everything on /dev/shm (the tool's own cost); medians count. Then one cold import with every directory
// on the root disk (what a user feels). Prints wall and CPU times, ratios, peak RSS and the most temporary
// disk ever used, each against its budget. `--squash-options WORDS` sets ENROOT_SQUASH_OPTIONS for the
// imports (e.g. '-comp gzip -noD -noF' shows the merge's cost without the writer's fragment compression).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DIR, ensureFixture, layerPath, seedCache, uncompressedBytes, type Fixture } from './lib-fixture.js';
import { ENROOT, IMAGE_NAME, importArgs, isImportTemporary, makeEnrootHome, serveFixture } from './lib-enroot.js';
import { budgetLine, commandLineValue, decompressionFloor, measure, median, megabytes, seconds, type Measured } from './lib-measure.js';

const FLOOR_PARALLELISM = 2;
const BUDGET = { warm: 1.3, cold: 1.5, rssBytes: 256e6, temporaryShare: 0.05 };
const DISK_PARENT = '/var/tmp';

interface Imported extends Measured {
  imageBytes: number;
}

/** One import into a fresh home under `parent`; `warm` puts the blobs in its cache first. */
async function importOnce(fixture: Fixture, uri: string, parent: string, warm: boolean): Promise<Imported> {
  const home = makeEnrootHome(parent);
  try {
    if (warm) seedCache(fixture, home.cache);
    const squashOptions = commandLineValue('--squash-options');
    const run = await measure(ENROOT, importArgs(home, uri), {
      env: squashOptions === undefined ? home.env : { ...home.env, ENROOT_SQUASH_OPTIONS: squashOptions },
      watch: [home.temp, home.output],
      isTemporary: isImportTemporary,
    });
    return { ...run, imageBytes: statSync(join(home.output, IMAGE_NAME)).size };
  } finally {
    home.remove();
  }
}

async function main(): Promise<void> {
  const fixture = await ensureFixture();
  const blobs = fixture.layers.map(layerPath);
  const compressed = fixture.layers.reduce((sum, layer) => sum + layer.size, 0);
  console.log(`fixture: ${FIXTURE_DIR} (kept between runs): ${fixture.layers.length} gzip layers, ${megabytes(uncompressedBytes(fixture))} of tar, `
    + `${megabytes(compressed)} compressed, ${fixture.entries} entries`);
  const { registry, uri } = await serveFixture(fixture);
  try {
    const floors: Measured[] = [];
    const warms: Imported[] = [];
    const colds: Imported[] = [];
    const rounds = Number(commandLineValue('--rounds') ?? 3);
    for (let round = 1; round <= rounds; round++) {
      floors.push(await decompressionFloor(blobs, FLOOR_PARALLELISM));
      warms.push(await importOnce(fixture, uri, '/dev/shm', true));
      colds.push(await importOnce(fixture, uri, '/dev/shm', false));
      const [lastFloor, lastWarm, lastCold] = [floors.at(-1)!, warms.at(-1)!, colds.at(-1)!];
      console.log(`round ${round}: floor ${seconds(lastFloor.seconds)} (CPU ${seconds(lastFloor.cpuSeconds)}), `
        + `warm ${seconds(lastWarm.seconds)} (CPU ${seconds(lastWarm.cpuSeconds)}), cold ${seconds(lastCold.seconds)} (CPU ${seconds(lastCold.cpuSeconds)})`);
    }
    const disk = await importOnce(fixture, uri, DISK_PARENT, false);
    const floor = median(floors.map((run) => run.seconds));
    const warm = median(warms.map((run) => run.seconds));
    const cold = median(colds.map((run) => run.seconds));
    const all = [...warms, ...colds, disk];
    const peakRss = Math.max(...all.map((run) => run.peakRssBytes));
    const temporaryShare = Math.max(...all.map((run) => run.peakTemporaryBytes / run.imageBytes));
    const ratio = (value: number): string => `${value.toFixed(2)} x`;
    console.log(`\nimage ${megabytes(disk.imageBytes)}; medians of ${rounds} rounds, all on /dev/shm:`);
    const cpu = (runs: Measured[]): string => `CPU ${seconds(median(runs.map((run) => run.cpuSeconds)))}`;
    console.log(`  floor (${fixture.layers.length} x gzip -dc, ${FLOOR_PARALLELISM} at a time): ${seconds(floor)} (${cpu(floors)})`);
    console.log(`  warm import:  ${seconds(warm)} (${cpu(warms)})`);
    console.log(`  cold import:  ${seconds(cold)} (${cpu(colds)})`);
    console.log(`  cold import, cache/temp/output on the root disk (${DISK_PARENT}), one run: ${seconds(disk.seconds)} (${ratio(disk.seconds / floor)} floor)`);
    console.log(budgetLine('warm / floor', warm / floor, BUDGET.warm, ratio));
    console.log(budgetLine('cold / floor', cold / floor, BUDGET.cold, ratio));
    console.log(budgetLine('peak RSS of import (max)', peakRss, BUDGET.rssBytes, megabytes));
    console.log(budgetLine('temporary disk / image (max)', temporaryShare, BUDGET.temporaryShare, (value) => `${(value * 100).toFixed(2)} %`));
  } finally {
    await registry.stop();
  }
}

await main();
