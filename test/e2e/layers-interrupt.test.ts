// An interrupted load leaves nothing behind: the temporary sibling tree is removed on SIGINT and SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeLayer, type LayerBlob, type TarEntry } from '../fixtures/images.js';
import { writeLayerFiles } from '../fixtures/layer-load-run.js';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'layer-load-worker.js');

describe('interrupted load', () => {
  let scratch: string;
  let blob: LayerBlob;
  before(async () => {
    scratch = mkdtempSync('/dev/shm/enroot-layers-interrupt-');
    const entries: TarEntry[] = Array.from({ length: 200 }, (_, d) => d).flatMap((d) => [
      { path: `d${d}`, type: 'directory' as const },
      ...Array.from({ length: 100 }, (_, f): TarEntry => ({ path: `d${d}/f${f}`, content: `file ${d}/${f}` })),
    ]);
    blob = await makeLayer({ entries });
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`removes the temporary tree on ${signal}`, async () => {
      const parent = mkdtempSync(join(scratch, 'parent-'));
      const target = join(parent, 'rootfs');
      const child = spawn(process.execPath, [WORKER, JSON.stringify({ layers: writeLayerFiles([blob], scratch), target })], { stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, received) => resolve(received)));
      while (readdirSync(parent).length === 0) await sleep(5);
      await sleep(100);
      child.kill(signal);
      assert.equal(await exited, signal);
      assert.deepEqual(readdirSync(parent), []);
    });
  }
});
