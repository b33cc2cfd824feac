// Benchmark: our writer against `mksquashfs -noD` on the same ~2 GB tree in /dev/shm, with the same block
// size, gzip metadata and fragments, and the same number of processors. Prints both times, the ratio
// ours/mksquashfs (budget <= 1.0), CPU times (steadier than wall times on a busy machine) and our peak RSS. Run as `node dist/bench/squashfs.js [--rounds N]
// [--keep-tree]`. The two writers take turns for N rounds (default 3) and the best time of each counts,
// because wall-clock times on a shared virtual machine vary by tens of percent from run to run. Each
// writer runs in its own process, and everything the benchmark creates is removed at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSquashOptions, writeTreeImage } from '../src/squashfs/index.js';
import { generateBenchTree } from './squashfs-tree.js';

const WORK = '/dev/shm/enroot-bench-squashfs';
const BLOCK_SIZE = '128K';
const PROCESSORS = String(availableParallelism());

interface Run {
  seconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
}

/** Run a command under GNU time: wall time, CPU time (user + system, every thread) and peak RSS. */
function measure(command: string, args: string[]): Run {
  const report = join(WORK, 'time.txt');
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', report, command, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.error) throw new Error(`cannot run /usr/bin/time (install GNU time): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status}`);
  const [wall, user, system, rssKiB] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { seconds: wall!, cpuSeconds: user! + system!, maxRssBytes: rssKiB! * 1024 };
}

/** The child side: write the image with our writer. */
async function writeOurs(tree: string, image: string): Promise<void> {
  await writeTreeImage(tree, image, parseSquashOptions(['-comp', 'gzip', '-noD', '-b', BLOCK_SIZE, '-processors', PROCESSORS, '-no-xattrs']));
}

const ours = (tree: string, image: string): Run => measure(process.execPath, [fileURLToPath(import.meta.url), '--child', tree, image]);

const mksquashfs = (tree: string, image: string): Run =>
  measure('mksquashfs', [tree, image, '-comp', 'gzip', '-noD', '-b', BLOCK_SIZE, '-processors', PROCESSORS, '-no-xattrs', '-no-progress', '-quiet', '-noappend']);

const best = (runs: Run[], key: 'seconds' | 'cpuSeconds'): number => Math.min(...runs.map((run) => run[key]));

async function main(): Promise<void> {
  const tree = join(WORK, 'tree');
  const cleanup = (): void => rmSync(WORK, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    if (!existsSync(tree)) {
      mkdirSync(tree, { recursive: true });
      const started = Date.now();
      const bytes = generateBenchTree(tree);
      console.log(`tree: ${(bytes / 1e9).toFixed(2)} GB generated in ${((Date.now() - started) / 1000).toFixed(1)} s under ${tree}`);
    }
    const theirsImage = join(WORK, 'mksquashfs.sqsh');
    const oursImage = join(WORK, 'ours.sqsh');
    const roundsAt = process.argv.indexOf('--rounds');
    const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 3;
    const theirRuns: Run[] = [];
    const ourRuns: Run[] = [];
    for (let round = 1; round <= rounds; round++) {
      theirRuns.push(mksquashfs(tree, theirsImage));
      ourRuns.push(ours(tree, oursImage));
      console.log(`round ${round}: mksquashfs ${theirRuns.at(-1)!.seconds.toFixed(2)} s, ours ${ourRuns.at(-1)!.seconds.toFixed(2)} s`);
    }
    const [theirs, mine] = [best(theirRuns, 'seconds'), best(ourRuns, 'seconds')];
    const [theirCpu, myCpu] = [best(theirRuns, 'cpuSeconds'), best(ourRuns, 'cpuSeconds')];
    const peakRss = Math.max(...ourRuns.map((run) => run.maxRssBytes));
    const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
    console.log(`mksquashfs -noD: ${theirs.toFixed(2)} s (best of ${rounds}), CPU ${theirCpu.toFixed(1)} s, image ${megabytes(statSync(theirsImage).size)}`);
    console.log(`ours:            ${mine.toFixed(2)} s (best of ${rounds}), CPU ${myCpu.toFixed(1)} s, image ${megabytes(statSync(oursImage).size)}, peak RSS ${megabytes(peakRss)}`);
    console.log(`ratio ours/mksquashfs: ${(mine / theirs).toFixed(2)} (budget <= 1.0); CPU time ratio ${(myCpu / theirCpu).toFixed(2)}`);
  } finally {
    if (!process.argv.includes('--keep-tree')) cleanup();
    else for (const image of ['mksquashfs.sqsh', 'ours.sqsh']) rmSync(join(WORK, image), { force: true });
  }
}

if (process.argv[2] === '--child') await writeOurs(process.argv[3]!, process.argv[4]!);
else await main();
