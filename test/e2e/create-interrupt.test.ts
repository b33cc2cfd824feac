// enroot create interrupted while our extractor's threads are writing: SIGINT and SIGTERM stop the threads
// and remove the staging directory before the command dies; after SIGKILL nothing appears under the final
// name and the next run removes what was left.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ENROOT_BIN, runEnroot } from '../fixtures/cli.js';
import { makeEnrootHome, type EnrootHome } from '../fixtures/enroot-env.js';
import { currentUser } from '../fixtures/users.js';
import { defaultSquashfsOptions, SquashfsWriter } from '../../src/squashfs/index.js';

const META = { mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000 };
/** Enough data that extracting it takes a while after the first entries appear. */
const BIG_FILES = 48;
const BIG_FILE_BYTES = 8 * 1024 * 1024;

let home: EnrootHome;
let image: string;

before(async () => {
  home = makeEnrootHome(currentUser(), 'enroot-create-interrupt-');
  image = path.join(home.dir, 'big.sqsh');
  const writer = await SquashfsWriter.create(image, defaultSquashfsOptions());
  for (let i = 0; i < 2000; i++) await writer.addFile(`small/d${i % 50}/f${i}`, META, 100, [randomBytes(100)]);
  for (let i = 0; i < BIG_FILES; i++) await writer.addFile(`big/f${i}`, META, BIG_FILE_BYTES, [randomBytes(BIG_FILE_BYTES)]);
  await writer.finish();
});
after(() => home?.remove());

const entries = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

/** Starts `enroot create`, sends `signal` once the staging directory has contents, and waits for the end. */
function interruptWhileWriting(signal: NodeJS.Signals): Promise<{ status: number | null; signal: NodeJS.Signals | null; signalledAt: number; endedAt: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENROOT_BIN, 'create', '-n', 'created', image], { env: home.env(), cwd: home.dir, stdio: 'ignore' });
    let signalledAt = 0;
    const poll = setInterval(() => {
      const staging = entries(home.data).find((name) => name.includes('.enroot-tmp-'));
      if (staging !== undefined && entries(path.join(home.data, staging)).length > 0) {
        clearInterval(poll);
        setTimeout(() => {
          signalledAt = Date.now();
          child.kill(signal);
        }, 50);
      }
    }, 5);
    child.on('error', reject);
    child.on('close', (status, exitSignal) => {
      clearInterval(poll);
      resolve({ status, signal: exitSignal, signalledAt, endedAt: Date.now() });
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during extraction stops the threads and leaves nothing`, async () => {
    const ended = await interruptWhileWriting(signal);
    assert.ok(ended.signalledAt > 0, 'the signal was sent while the tree was being written');
    assert.equal(ended.signal, signal, 'the command dies of the signal');
    assert.deepEqual(entries(home.data), [], 'no container and no staging directory');
    assert.ok(ended.endedAt - ended.signalledAt < 10_000);
  });
}

test('SIGKILL during extraction leaves no container, and the next run removes what it left', async () => {
  const ended = await interruptWhileWriting('SIGKILL');
  assert.ok(ended.signalledAt > 0);
  assert.equal(entries(home.data).includes('created'), false, 'nothing under the final name');
  const result = await runEnroot(['create', '-n', 'created', image], { env: home.env(), cwd: home.dir, timeoutMs: 120_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(entries(home.data), ['created'], 'the leftover staging directory is gone');
  assert.equal(fs.statSync(path.join(home.data, 'created', 'big', `f${BIG_FILES - 1}`)).size, BIG_FILE_BYTES);
});
