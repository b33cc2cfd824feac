// Benchmark: `enroot create` of the import benchmark's image against `unsquashfs -d` of the same image, in
// the same run, both into /dev/shm (budget <= 1.0 x). The image is imported first (blobs from the cached
// fixture of bench/lib-fixture.ts). Run as `node dist/bench/create.js [--rounds N]` (default 3): the two
// take turns and medians count.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureFixture, seedCache } from './lib-fixture.js';
import { ENROOT, IMAGE_NAME, importArgs, makeEnrootHome, serveFixture } from './lib-enroot.js';
import { budgetLine, commandLineValue, measure, median, seconds } from './lib-measure.js';

const BUDGET = 1.0;
const CONTAINER = 'bench';

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
    const unsquashed = join(home.dir, 'unsquashfs');
    const created = join(home.data, CONTAINER);
    const theirs: number[] = [];
    const ours: number[] = [];
    const rounds = Number(commandLineValue('--rounds') ?? 3);
    for (let round = 1; round <= rounds; round++) {
      theirs.push((await measure('unsquashfs', ['-no-progress', '-d', unsquashed, image])).seconds);
      rmSync(unsquashed, { recursive: true, force: true });
      const run = await measure(process.execPath, [ENROOT, 'create', '--name', CONTAINER, image], { env: home.env });
      rmSync(created, { recursive: true, force: true });
      ours.push(run.seconds);
      console.log(`round ${round}: unsquashfs ${seconds(theirs.at(-1)!)}, enroot create ${seconds(ours.at(-1)!)}`);
    }
    const [floor, create] = [median(theirs), median(ours)];
    console.log(`\nmedians: unsquashfs -d ${seconds(floor)}, enroot create ${seconds(create)}`);
    console.log(budgetLine('create / unsquashfs', create / floor, BUDGET, (value) => `${value.toFixed(2)} x`));
  } finally {
    home.remove();
  }
}

await main();
