// A file over 4 GiB round-trips: fed as mostly zeros with data at both ends, it is stored as sparse blocks
// (so the image stays small) in an extended inode, and unsquashfs and the kernel read back the same bytes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultSquashfsOptions, SquashfsWriter } from '../../src/squashfs/index.js';
import { kernelSkipReason, scratchDirectory, withKernelMount } from '../fixtures/squashfs-oracles.js';

const CHUNK = 1024 * 1024;
const SIZE = 4 * 1024 * 1024 * 1024 + 12345;
const HEAD = randomBytes(CHUNK);
const TAIL = randomBytes(CHUNK + 12345);
const ZEROS = Buffer.alloc(CHUNK);

/** HEAD, zeros, TAIL: SIZE bytes. */
function* contents(): Generator<Buffer> {
  yield HEAD;
  let left = SIZE - HEAD.length - TAIL.length;
  while (left > 0) {
    const n = Math.min(CHUNK, left);
    yield n === CHUNK ? ZEROS : ZEROS.subarray(0, n);
    left -= n;
  }
  yield TAIL;
}

async function sha256Of(stream: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

describe('a file over 4 GiB', () => {
  let scratch: string;
  let image: string;
  let expected: string;
  before(async () => {
    scratch = scratchDirectory('sqfs-large');
    image = join(scratch, 'large.sqsh');
    expected = await sha256Of(contents());
    const writer = await SquashfsWriter.create(image, { ...defaultSquashfsOptions(), mkfsTime: 1_700_000_000 });
    await writer.addFile('big/file', { mode: 0o644, uid: 0, gid: 0, mtime: 1_600_000_000 }, SIZE, contents());
    await writer.finish();
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('is stored in sparse blocks', () => {
    assert.ok(statSync(image).size < 16 * 1024 * 1024, `image is ${statSync(image).size} bytes`);
  });

  it('unsquashfs reads back the same bytes', async () => {
    const child = spawn('unsquashfs', ['-cat', image, 'big/file'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(await sha256Of(child.stdout), expected);
    assert.equal(await closed, 0);
  });

  it('the kernel reads back the same bytes', { skip: kernelSkipReason() ?? false }, async () => {
    await withKernelMount(image, scratch, async (root) => {
      const path = join(root, 'big/file');
      assert.equal(statSync(path).size, SIZE);
      assert.equal(await sha256Of(createReadStream(path, { highWaterMark: 4 * CHUNK })), expected);
    });
  });
});
