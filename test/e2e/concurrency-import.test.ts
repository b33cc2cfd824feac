// Concurrent imports sharing one cache, with and without a faulty connection, and a cache filesystem that
// fills up during an import: every image is complete, every cache entry verifies, nothing is left half-made.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { busyboxLayer, buildImage, pushImage, type BuiltImage, type LayerSpec } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { startRegistryProxy } from '../fixtures/client-registry-proxy.js';
import { assertFailedCleanly, assertImported, assertOneError, cacheDamage, cachedBlobNames, makeImportHome, type ImportHome } from '../fixtures/fault-import.js';

const IMAGES = 4;
const IMPORTS = 8;

let registry: RegistryFixture;
let images: BuiltImage[];
const homes: ImportHome[] = [];

const fileLayer = (name: string, bytes = 200_000): LayerSpec => ({ entries: [{ path: `data/${name}`, content: randomBytes(bytes) }] });

before(async () => {
  registry = await startRegistry('plain');
  const shared = fileLayer('shared');
  // Overlapping images: the same two lower layers, then one layer of their own.
  images = await Promise.all(Array.from({ length: IMAGES }, (_, index) => buildImage({ layers: [busyboxLayer(), shared, fileLayer(`own-${index}`)] })));
  for (const [index, image] of images.entries()) await pushImage(registry, 'concurrent/app', String(index), image);
});
after(async () => {
  for (const home of homes) home.remove();
  await registry?.stop();
});

/** The digests every image needs, without duplicates: what the shared cache must hold afterwards. */
function expectedCacheEntries(): string[] {
  const digests = new Set(images.flatMap((image) => [image.config.digest, ...image.layers.map((layer) => layer.digest)]));
  return [...digests].map((digest) => digest.slice(7)).sort();
}

async function importConcurrently(host: string, home: ImportHome, env: Record<string, string> = {}) {
  return Promise.all(Array.from({ length: IMPORTS }, (_, index) => home.import(`docker://${host}#concurrent/app:${index % IMAGES}`, `out-${index}.sqsh`, env)));
}

function assertAllImported(results: Awaited<ReturnType<typeof importConcurrently>>, home: ImportHome): void {
  results.forEach((result, index) => assertImported(result, home, `out-${index}.sqsh`, ['/bin/busybox', '/data/shared', `/data/own-${index % IMAGES}`]));
  assert.deepEqual(cachedBlobNames(home.cache), expectedCacheEntries(), 'one entry per blob, no temporary files');
  assert.deepEqual(cacheDamage(home.cache), []);
}

describe('concurrent imports sharing one cache', () => {
  test(`${IMPORTS} imports of ${IMAGES} overlapping images from a cold cache`, async () => {
    const home = makeImportHome();
    homes.push(home);
    assertAllImported(await importConcurrently(registry.host, home), home);
  });

  test(`${IMPORTS} imports through a connection that resets and answers 503 now and then`, async () => {
    const shared = images[0]!.layers[1]!.digest;
    const proxy = await startRegistryProxy(registry, {
      blobFaults: { [shared]: { kind: 'cut', times: 3 }, [images[0]!.layers[0]!.digest]: { kind: 'truncate', times: 2 } },
      statusBurst: { status: 503, count: 3, on: 'blobs' },
    });
    const home = makeImportHome();
    homes.push(home);
    try {
      assertAllImported(await importConcurrently(proxy.host, home, { ENROOT_TRANSFER_RETRIES: '3' }), home);
    } finally {
      await proxy.stop();
    }
  });

  const racers = (home: ImportHome, args: string[]) => Promise.all(Array.from({ length: IMPORTS }, () => home.run(args)));
  const assertOneWinner = (results: Awaited<ReturnType<typeof racers>>) => {
    assert.equal(results.filter((result) => result.status === 0).length, 1, results.map((result) => `${result.status}: ${result.stderr}`).join('\n'));
    for (const loser of results.filter((result) => result.status !== 0)) assertOneError(loser, /File already exists/);
  };

  test(`${IMPORTS} imports racing for one output file: one wins whole, the others fail with one line`, async () => {
    const home = makeImportHome();
    homes.push(home);
    assertOneWinner(await racers(home, ['import', '-o', 'same.sqsh', `docker://${registry.host}#concurrent/app:0`]));
    assertImported({ status: 0, signal: null, stdout: '', stderr: '' }, home, 'same.sqsh', ['/bin/busybox', '/data/shared', '/data/own-0']);
    assert.deepEqual(home.entries(), ['same.sqsh'], 'one image, no temporary files');
  });

  test(`${IMPORTS} loads racing for one container name: one wins whole, the others fail with one line`, async () => {
    const home = makeImportHome();
    homes.push(home);
    assertOneWinner(await racers(home, ['load', '-n', 'same', `docker://${registry.host}#concurrent/app:0`]));
    assert.deepEqual(fs.readdirSync(home.data), ['same'], 'one container, no temporary directories');
    assert.ok(fs.existsSync(path.join(home.data, 'same', 'data', 'own-0')));
  });

  test('a cache filesystem that fills up during the import: one [ERROR] line, no partial entry', { skip: process.getuid?.() !== 0 ? 'needs root to mount a small tmpfs' : false }, async () => {
    const big = await buildImage({ layers: [busyboxLayer(), fileLayer('big-a', 6 * 1024 * 1024), fileLayer('big-b', 6 * 1024 * 1024)] });
    await pushImage(registry, 'concurrent/big', '1', big);
    const home = makeImportHome();
    homes.push(home);
    const small = fs.mkdtempSync(path.join(home.dir, 'small-cache-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', small]);
    try {
      const before = home.entries();
      const result = await home.import(`docker://${registry.host}#concurrent/big:1`, 'out.sqsh', { ENROOT_CACHE_PATH: small });
      assertFailedCleanly(result, home, before, /No space left on device|ENOSPC|free space/);
      assert.deepEqual(cacheDamage(small), [], 'only complete, verified entries on the full filesystem');
    } finally {
      execFileSync('umount', [small]);
      fs.rmdirSync(small);
    }
  });
});
