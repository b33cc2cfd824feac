// Benchmark: latency of `enroot start NAME true` with the standard configuration (the repository's
// conf/ as ENROOT_SYSCONF_PATH) against the floor `unshare --user --map-root-user --mount true`,
// measured in the same run, taking turns. Budget: <= 0.10 s. Run as `node dist/bench/start.js [--rounds N]`.
// Prints the median and the best wall time of each, because a shared machine's wall times vary from run
// to run, and the median CPU time (user + system, from GNU time), which load disturbs less.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENROOT_BIN, PROJECT_ROOT } from '../test/fixtures/cli.js';
import { writeBusyboxTree } from '../test/fixtures/runtime-containers.js';

const BUDGET_SECONDS = 0.1;

function roundsArgument(): number {
  const index = process.argv.indexOf('--rounds');
  return index < 0 ? 20 : Number(process.argv[index + 1]);
}

interface Sample {
  wall: number;
  cpu: number;
}

const GNU_TIME = '/usr/bin/time';

function timeOf(file: string, args: string[], env: NodeJS.ProcessEnv, report: string): Sample {
  const start = process.hrtime.bigint();
  const result = spawnSync(GNU_TIME, ['-f', '%U %S', '-o', report, file, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${result.stderr.toString()}`);
  const [user, system] = fs.readFileSync(report, 'utf8').trim().split(' ').map(Number) as [number, number];
  return { wall, cpu: user + system };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const work = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'enroot-bench-start-'));
try {
  const [data, runtime, config, home] = ['data', 'run', 'config', 'home'].map((name) => path.join(work, name)) as [string, string, string, string];
  for (const dir of [data, runtime, config, home]) fs.mkdirSync(dir);
  writeBusyboxTree(path.join(data, 'c'));
  const confFile = path.join(work, 'enroot.conf');
  fs.writeFileSync(confFile, '');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TERM: 'xterm',
    ENROOT_CONF_FILE: confFile,
    ENROOT_DATA_PATH: data,
    ENROOT_RUNTIME_PATH: runtime,
    ENROOT_CONFIG_PATH: config,
    ENROOT_SYSCONF_PATH: path.join(PROJECT_ROOT, 'conf'),
  };
  const report = path.join(work, 'time.txt');
  const floor: Sample[] = [];
  const start: Sample[] = [];
  const node: Sample[] = [];
  const unshare = ['unshare', ['--user', '--map-root-user', '--mount', 'true']] as const;
  const enroot = [ENROOT_BIN, ['start', 'c', 'true']] as const; // as users run it: the launcher's Node options apply
  timeOf(enroot[0], [...enroot[1]], env, report); // warm the page cache
  for (let round = 0; round < roundsArgument(); round += 1) {
    floor.push(timeOf(unshare[0], [...unshare[1]], env, report));
    start.push(timeOf(enroot[0], [...enroot[1]], env, report));
    node.push(timeOf(process.execPath, ['-e', '0'], env, report));
  }
  const line = (name: string, samples: Sample[]): string => {
    const walls = samples.map((sample) => sample.wall);
    return `${name.padEnd(40)} wall median ${median(walls).toFixed(3)} s  best ${Math.min(...walls).toFixed(3)} s  cpu median ${median(samples.map((sample) => sample.cpu)).toFixed(3)} s`;
  };
  console.log(line('floor: unshare --user --map-root-user', floor));
  console.log(line('enroot start c true', start));
  console.log(line('for scale: node -e 0', node));
  const total = median(start.map((sample) => sample.wall));
  console.log(`start minus floor: ${(total - median(floor.map((sample) => sample.wall))).toFixed(3)} s; budget: start <= ${BUDGET_SECONDS.toFixed(2)} s total: ${total <= BUDGET_SECONDS ? 'met' : 'NOT met'}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
