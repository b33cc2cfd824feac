// Interrupted and failing imports, loads and creates: nothing appears under the final name, and whatever
// a killed command left is gone after the next run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ENROOT_BIN, runEnroot } from '../fixtures/cli.js';
import { makeEnrootHome, type EnrootHome } from '../fixtures/enroot-env.js';
import { busyboxLayer, buildImage, pushImage } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { currentUser } from '../fixtures/users.js';

let registry: RegistryFixture;
let home: EnrootHome;
let uri: string;

before(async () => {
  registry = await startRegistry('plain');
  // Incompressible data so that every step takes long enough to be interrupted in the middle.
  const bulk = (prefix: string) => ({
    entries: Array.from({ length: 12 }, (_, i) => ({ path: `${prefix}/blob${i}`, content: randomBytes(4 * 1024 * 1024) })),
  });
  const image = await buildImage({ layers: [busyboxLayer(), bulk('a'), bulk('b'), bulk('c')] });
  await pushImage(registry, 'test/big', '1', image);
  uri = `docker://${registry.host}#test/big:1`;
  home = makeEnrootHome(currentUser(), 'enroot-interrupt-');
});
after(async () => {
  await registry?.stop();
  home?.remove();
});

const env = () => home.env({ ENROOT_ALLOW_HTTP: 'y' });
const leftovers = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.includes('.enroot-tmp-')) : []);

/** Starts `enroot ARGS`, kills it with `signal` after `delayMs`, and waits for it to end. */
function killDuring(args: string[], signal: NodeJS.Signals, delayMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ENROOT_BIN, ...args], { env: env(), cwd: home.dir, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill(signal), delayMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve(status);
    });
  });
}

const delays = [150, 400, 900, 1600];

test('import killed at various points leaves no output; the next run removes what SIGKILL left', async () => {
  const output = path.join(home.dir, 'big.sqsh');
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    for (const delay of delays) {
      fs.rmSync(home.cache, { recursive: true, force: true }); // cold: the download is interrupted too
      const status = await killDuring(['import', '-o', output, uri], signal, delay);
      if (status === 0) {
        // It finished before the signal: the image must be whole.
        execFileSync('unsquashfs', ['-l', output], { stdio: 'ignore' });
        fs.rmSync(output);
      }
      assert.equal(fs.existsSync(output), false, `${signal} after ${delay} ms: no output under the final name`);
      if (signal === 'SIGINT') assert.deepEqual(leftovers(home.dir), [], `${signal} after ${delay} ms cleans up at once`);
    }
  }
  const result = await runEnroot(['import', '-o', output, uri], { env: env(), cwd: home.dir, timeoutMs: 120_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(leftovers(home.dir), [], 'the next run removed every leftover');
  assert.deepEqual(leftovers(path.join(home.cache, 'blobs', 'sha256')), []);
  execFileSync('unsquashfs', ['-l', output], { stdio: 'ignore' });
});

test('load and create killed at various points leave no container; the next run cleans up', async () => {
  const image = path.join(home.dir, 'big.sqsh');
  for (const [command, args] of [['load', ['load', '-n', 'loaded', uri]], ['create', ['create', '-n', 'created', image]]] as const) {
    const target = path.join(home.data, command === 'load' ? 'loaded' : 'created');
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      for (const delay of delays) {
        await killDuring([...args], signal, delay);
        if (fs.existsSync(target)) {
          // It finished before the signal: a complete container is fine, a partial one is not.
          assert.ok(fs.existsSync(path.join(target, 'c', 'blob11')), `${command} ${signal} ${delay} ms: complete`);
          fs.rmSync(target, { recursive: true, force: true });
        }
        if (signal === 'SIGINT') assert.deepEqual(leftovers(home.data), [], `${command} ${signal} after ${delay} ms`);
      }
    }
    const result = await runEnroot([...args], { env: env(), cwd: home.dir, timeoutMs: 120_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(leftovers(home.data), [], `${command}: the next run removed every leftover`);
    assert.equal(fs.statSync(path.join(target, 'a', 'blob0')).size, 4 * 1024 * 1024);
  }
});

test('a full output filesystem gives one [ERROR] line and leaves nothing (import, load, create)', { skip: process.getuid?.() !== 0 ? 'needs root to mount a small tmpfs' : false }, async () => {
  const small = fs.mkdtempSync(path.join(home.dir, 'small-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', small]);
  try {
    const importResult = await runEnroot(['import', '-o', path.join(small, 'x.sqsh'), uri], { env: env(), cwd: home.dir, timeoutMs: 120_000 });
    assert.equal(importResult.status, 1);
    const errors = importResult.stderr.split('\n').filter((line) => line.startsWith('[ERROR]'));
    assert.equal(errors.length, 1, importResult.stderr);
    assert.match(errors[0] as string, /No space left on device/);
    assert.doesNotMatch(importResult.stderr, /\bat .*\.js:\d+/);
    const loadResult = await runEnroot(['load', '-n', 'full', uri], { env: home.env({ ENROOT_ALLOW_HTTP: 'y', ENROOT_DATA_PATH: small }), cwd: home.dir, timeoutMs: 120_000 });
    assert.equal(loadResult.status, 1);
    assert.equal(loadResult.stderr.split('\n').filter((line) => line.startsWith('[ERROR]')).length, 1, loadResult.stderr);
    assert.deepEqual(fs.readdirSync(small), [], 'nothing left on the full filesystem');
    const createResult = await runEnroot(['create', '-n', 'full', path.join(home.dir, 'big.sqsh')], { env: home.env({ ENROOT_DATA_PATH: small }), cwd: home.dir, timeoutMs: 120_000 });
    assert.equal(createResult.status, 1);
    const createErrors = createResult.stderr.split('\n').filter((line) => line.startsWith('[ERROR]'));
    assert.equal(createErrors.length, 1, createResult.stderr);
    assert.match(createErrors[0] as string, /No space left on device/);
    assert.deepEqual(fs.readdirSync(small), [], 'create leaves nothing on the full filesystem');
  } finally {
    execFileSync('umount', [small]);
    fs.rmdirSync(small);
  }
});
