// writeTreeImage (what `enroot export` calls): a random tree on disk, with every owner, mode, time, device
// and xattr, becomes an image that unsquashfs extracts to the same tree, less what the exclusion callback
// left out; and nothing is left behind when writing fails or the process gets SIGINT or SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { defaultSquashfsOptions, writeTreeImage, type Xattrs } from '../../src/squashfs/index.js';
import { generateRandomTree, materializeTree } from '../fixtures/random-tree.js';
import { manifestDifferences, readManifest, type Manifest } from '../fixtures/squashfs-manifest.js';
import { isRoot, manifestByUnsquashfs, scratchDirectory } from '../fixtures/squashfs-oracles.js';

const EXCLUDED_DIRECTORY = 'zz-excluded';

describe('writeTreeImage', () => {
  let scratch: string;
  let source: string;
  let output: string;
  before(() => {
    scratch = scratchDirectory('sqfs-tree');
    source = join(scratch, 'source');
    output = join(scratch, 'output');
    mkdirSync(source);
    mkdirSync(output);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes the tree on disk, less the excluded entries', { skip: isRoot ? false : 'materializing owners and devices needs root' }, async () => {
    materializeTree(generateRandomTree({ seed: 505, entries: 1500, blockSize: 128 * 1024 }), source);
    mkdirSync(join(source, EXCLUDED_DIRECTORY, 'below'), { recursive: true });
    writeFileSync(join(source, EXCLUDED_DIRECTORY, 'below', 'file'), 'left out');
    const onDisk = await readManifest(source);
    const xattrs = (absolutePath: string): Xattrs => {
      const entry = onDisk[relative(source, absolutePath)]!;
      return Object.fromEntries(Object.entries(entry.xattrs).map(([name, value]) => [name, Buffer.from(value, 'hex')]));
    };
    const seen: string[] = [];
    const image = join(output, 'tree.sqsh');
    await writeTreeImage(source, image, defaultSquashfsOptions(), {
      readXattrs: xattrs,
      exclude: (relPath, stat) => {
        seen.push(relPath);
        return relPath === EXCLUDED_DIRECTORY || stat.isFIFO();
      },
    });
    assert.ok(!seen.includes(`${EXCLUDED_DIRECTORY}/below`), 'an excluded directory is not walked');
    assert.deepEqual(readdirSync(output), ['tree.sqsh']);

    const expected: Manifest = {};
    for (const [path, entry] of Object.entries(onDisk)) {
      if (entry.type !== 'fifo' && path !== EXCLUDED_DIRECTORY && !path.startsWith(`${EXCLUDED_DIRECTORY}/`)) expected[path] = entry;
    }
    expected['']!.nlink -= 1;
    const differences = manifestDifferences(expected, await manifestByUnsquashfs(image, scratch));
    assert.deepEqual(differences, [], differences.join('\n'));
  });

  it('rejects a source that is not a directory', async () => {
    await assert.rejects(writeTreeImage(join(scratch, 'missing'), join(output, 'missing.sqsh'), defaultSquashfsOptions()), /Not a directory: .*missing/);
    assert.ok(!readdirSync(output).includes('missing.sqsh'));
  });

  it('removes its temporary file when writing fails', async () => {
    const failing = join(scratch, 'failing');
    mkdirSync(join(failing, 'dir'), { recursive: true });
    writeFileSync(join(failing, 'dir', 'file'), 'data');
    const before = readdirSync(output);
    await assert.rejects(
      writeTreeImage(failing, join(output, 'failed.sqsh'), defaultSquashfsOptions(), {
        exclude: (relPath) => {
          if (relPath === 'dir/file') throw new Error('exclusion failed');
          return false;
        },
      }),
      /exclusion failed/,
    );
    assert.deepEqual(readdirSync(output), before);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`removes its temporary file on ${signal}`, async () => {
      const directory = join(scratch, `signal-${signal}`);
      mkdirSync(directory);
      const squashfs = fileURLToPath(new URL('../../src/squashfs/index.js', import.meta.url));
      // A file whose data never ends keeps the writer busy until the signal comes.
      const program = `
        import { defaultSquashfsOptions, writeImageAtomically } from ${JSON.stringify(squashfs)};
        async function* forever() { for (;;) { yield Buffer.alloc(65536, 1); await new Promise((r) => setTimeout(r, 5)); } }
        await writeImageAtomically(${JSON.stringify(join(directory, 'image.sqsh'))}, defaultSquashfsOptions(), async (writer) => {
          await writer.addFile('endless', { mode: 0o644, uid: 0, gid: 0, mtime: 0 }, 2 ** 40, forever());
        });`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: 'inherit' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, received) => resolve(received)));
      while (readdirSync(directory).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill(signal);
      assert.equal(await exited, signal);
      assert.deepEqual(readdirSync(directory), []);
    });
  }
});
