// Benchmark: `enroot create` of the import benchmark's image against `unsquashfs -d` of the same image, in
// the same run, both into /dev/shm (budget <= 1.0 x). The image is imported first (blobs from the cached
// fixture of bench/lib-fixture.ts). Run as `node dist/bench/create.js [--rounds N] [--compressed]`
// (default 3 rounds): the two take turns and medians count. `--compressed` adds a second figure, for the
// same tree in an image whose data blocks and fragments are gzip-compressed too (mksquashfs -comp gzip,
// level 1 so that making it takes less time; the level changes little in inflating).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureFixture, seedCache } from './lib-fixture.js';
import { ENROOT, IMAGE_NAME, importArgs, makeEnrootHome, serveFixture, type EnrootHome } from './lib-enroot.js';
import { budgetLine, commandLineValue, measure, median, seconds } from './lib-measure.js';

const BUDGET = 1.0;
const CONTAINER = 'bench';

/**
 * Medians of `rounds` turns of unsquashfs and enroot create on `image`; returns create / unsquashfs. The
 * last container is kept when `keepLast` (the compressed image is made from it).
 */
async function compare(image: string, home: EnrootHome, rounds: number, keepLast: boolean): Promise<number> {
  const unsquashed = join(home.dir, 'unsquashfs');
  const created = join(home.data, CONTAINER);
  const theirs: number[] = [];
  const ours: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    theirs.push((await measure('unsquashfs', ['-no-progress', '-d', unsquashed, image])).seconds);
    rmSync(unsquashed, { recursive: true, force: true });
    ours.push((await measure(ENROOT, ['create', '--name', CONTAINER, image], { env: home.env })).seconds);
    if (!keepLast || round < rounds) rmSync(created, { recursive: true, force: true });
    console.log(`round ${round}: unsquashfs ${seconds(theirs.at(-1)!)}, enroot create ${seconds(ours.at(-1)!)}`);
  }
  const [floor, create] = [median(theirs), median(ours)];
  console.log(`\nmedians: unsquashfs -d ${seconds(floor)}, enroot create ${seconds(create)}`);
  return create / floor;
}

async function main(): Promise<void> {
  const fixture = await ensureFixture();
  const home = makeEnrootHome('/dev/shm');
  try {
    const { registry, uri } = await serveFixture(fixture);
    try {
      seedCache(fixture, home.cache);
      const imported = await measure(ENROOT, importArgs(home, uri), { env: home.env });
      console.log(`image imported in ${seconds(imported.seconds)}`);
    } finally {
      await registry.stop();
    }
    const image = join(home.output, IMAGE_NAME);
    const rounds = Number(commandLineValue('--rounds') ?? 3);
    const withCompressed = process.argv.includes('--compressed');
    const ratio = await compare(image, home, rounds, withCompressed);
    console.log(budgetLine('create / unsquashfs', ratio, BUDGET, (value) => `${value.toFixed(2)} x`));
    if (withCompressed) {
      const compressed = join(home.output, 'compressed.sqsh');
      const made = await measure('mksquashfs', [join(home.data, CONTAINER), compressed, '-comp', 'gzip', '-Xcompression-level', '1', '-no-progress', '-quiet']);
      rmSync(join(home.data, CONTAINER), { recursive: true, force: true });
      console.log(`\ngzip-compressed image made in ${seconds(made.seconds)}`);
      const compressedRatio = await compare(compressed, home, rounds, false);
      console.log(`${'create / unsquashfs, compressed data'.padEnd(34)} ${`${compressedRatio.toFixed(2)} x`.padStart(10)}   (no budget)`);
    }
  } finally {
    home.remove();
  }
}

await main();
