// Property tests of the squashfs writer against independent readers: random trees with thousands of entries
// go in, and unsquashfs, the kernel and squashfuse must each read back exactly that tree.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseSquashOptions, SquashfsWriter, type SquashfsOptions } from '../../src/squashfs/index.js';
import { expectedManifest, feedWriter, generateRandomTree, type RandomTree } from '../fixtures/random-tree.js';
import { manifestDifferences, asSquashfuseSees, readManifest, type Manifest } from '../fixtures/squashfs-manifest.js';
import {
  fuseSkipReason,
  isRoot,
  kernelSkipReason,
  manifestBySquashfuse,
  manifestByUnsquashfs,
  scratchDirectory,
  fuseUser,
  withKernelMount,
} from '../fixtures/squashfs-oracles.js';

const MKFS_TIME = 1_700_000_000;

interface Variant {
  label: string;
  words: string[];
  seed: number;
  entries: number;
}

const VARIANTS: Variant[] = [
  { label: 'defaults (-comp gzip -noD -noF)', words: [], seed: 101, entries: 3000 },
  { label: 'zstd, compressed data, 4K blocks', words: ['-comp', 'zstd', '-Xcompression-level', '3', '-b', '4K'], seed: 202, entries: 2500 },
  {
    label: 'nothing compressed, no fragments, no duplicates, 64K blocks, all root',
    words: ['-noI', '-noF', '-noX', '-no-fragments', '-no-duplicates', '-b', '64K', '-all-root', '-exit-on-error', '-processors', '1'],
    seed: 303,
    entries: 2500,
  },
  { label: 'gzip level 1 on data, 1M blocks', words: ['-Xcompression-level', '1', '-b', '1M'], seed: 404, entries: 1500 },
];

function assertSameTree(expected: Manifest, actual: Manifest, reader: string): void {
  const differences = manifestDifferences(expected, actual);
  assert.deepEqual(differences, [], `${reader} reads a different tree:\n${differences.join('\n')}`);
}

describe('squashfs writer read back by independent readers', () => {
  let scratch: string;
  before(() => {
    scratch = scratchDirectory('sqfs-oracles');
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const variant of VARIANTS) {
    describe(variant.label, () => {
      let image: string;
      let tree: RandomTree;
      let options: SquashfsOptions;
      let expected: Manifest;
      before(async () => {
        options = { ...parseSquashOptions(variant.words), mkfsTime: MKFS_TIME };
        tree = generateRandomTree({ seed: variant.seed, entries: variant.entries, blockSize: options.blockSize });
        image = join(scratch, `${variant.seed}.sqsh`);
        const writer = await SquashfsWriter.create(image, options);
        await feedWriter(writer, tree, variant.seed);
        await writer.finish();
        expected = expectedManifest(tree, { mkfsTime: MKFS_TIME, allRoot: options.allRoot });
      });

      it('unsquashfs extracts the same tree', { skip: isRoot ? false : 'unsquashfs restores owners, device nodes and trusted.* xattrs only as root' }, async () => {
        assertSameTree(expected, await manifestByUnsquashfs(image, scratch), 'unsquashfs');
      });

      it('the kernel mounts the same tree', { skip: kernelSkipReason() ?? false }, async () => {
        const actual = await withKernelMount(image, scratch, (root) => readManifest(root));
        assertSameTree(expected, actual, 'the kernel');
      });

      it('squashfuse as an unprivileged user reads the same tree', { skip: fuseSkipReason() ?? false }, async () => {
        const actual = await manifestBySquashfuse(image, scratch, fuseUser());
        assertSameTree(asSquashfuseSees(expected), asSquashfuseSees(actual), 'squashfuse');
      });
    });
  }
});
