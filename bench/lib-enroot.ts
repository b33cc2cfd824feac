// Running this checkout's `bin/enroot` for benchmarks: a private set of ENROOT_* directories under one
// work directory, no configuration file, plain HTTP allowed (the loopback registry), and the fixture
// pushed to a registry that lives as long as the benchmark.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry, type RegistryFixture } from '../test/fixtures/registry.js';
import { pushFixture, type Fixture } from './lib-fixture.js';

export const ENROOT = fileURLToPath(new URL('../../bin/enroot', import.meta.url));
export const IMAGE_NAME = 'big.sqsh';
const REPOSITORY = 'bench/big';
const TAG = '1';

export interface EnrootHome {
  dir: string;
  cache: string;
  temp: string;
  data: string;
  output: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

/** Fresh, empty ENROOT_* directories (and an output directory) under a new directory in `parent`. */
export function makeEnrootHome(parent: string): EnrootHome {
  const dir = mkdtempSync(join(parent, 'enroot-bench-'));
  const sub = (name: string): string => {
    const path = join(dir, name);
    mkdirSync(path);
    return path;
  };
  const [cache, temp, data, output, config, runtime] = ['cache', 'temp', 'data', 'output', 'config', 'runtime'].map(sub) as [string, string, string, string, string, string];
  return {
    dir, cache, temp, data, output,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      ENROOT_CONF_FILE: '/nonexistent',
      ENROOT_ALLOW_HTTP: 'y',
      ENROOT_CACHE_PATH: cache,
      ENROOT_TEMP_PATH: temp,
      ENROOT_DATA_PATH: data,
      ENROOT_CONFIG_PATH: config,
      ENROOT_RUNTIME_PATH: runtime,
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface PushedFixture {
  registry: RegistryFixture;
  uri: string;
}

/** Starts a plain loopback registry holding the fixture. */
export async function serveFixture(fixture: Fixture): Promise<PushedFixture> {
  const registry = await startRegistry('plain');
  const started = Date.now();
  await pushFixture(registry.url, REPOSITORY, TAG, fixture);
  console.log(`registry: ${registry.url}, pushed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { registry, uri: `docker://${registry.host}#${REPOSITORY}:${TAG}` };
}

/** `enroot import -o OUTPUT URI` as arguments for measure(). */
/** `enroot import` into the home's output directory, run as users run it (the launcher's Node options apply). */
export const importArgs = (home: EnrootHome, uri: string): string[] => ['import', '-o', join(home.output, IMAGE_NAME), uri];

/** Only the output image and its temporary name are not temporary files of import. */
export const isImportTemporary = (name: string): boolean => name !== IMAGE_NAME && !name.startsWith(`.${IMAGE_NAME}.`);
