// Fast checks of the squashfs writer: option parsing, the entry tree, directory listings, user errors and
// byte-identical output. The readers' verdicts are in test/e2e/squashfs-*.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EnrootError } from '../../src/errors.js';
import { writeListing, type ListingEntry } from '../../src/squashfs/directories.js';
import { InodeType, METADATA_SIZE } from '../../src/squashfs/format.js';
import { defaultSquashfsOptions, parseSquashOptions, SquashfsWriter, type SquashfsOptions } from '../../src/squashfs/index.js';
import { MetadataWriter } from '../../src/squashfs/metadata.js';
import { Directory, FileTree } from '../../src/squashfs/tree.js';
import { feedWriter, generateRandomTree } from '../fixtures/random-tree.js';

const META = { mode: 0o644, uid: 0, gid: 0, mtime: 0 };

describe('parseSquashOptions', () => {
  it('starts from enroot defaults: gzip metadata, uncompressed data', () => {
    const options = parseSquashOptions([]);
    assert.equal(options.compressor, 'gzip');
    assert.equal(options.compressData, false);
    assert.equal(options.compressInodes, true);
    assert.equal(options.blockSize, 128 * 1024);
    assert.equal(options.duplicates, true);
  });

  it('reads mksquashfs words and accepts harmless flags', () => {
    const options = parseSquashOptions(
      '-comp gzip -Xcompression-level 6 -noD -b 1M -exit-on-error -no-progress -processors 3 -all-root -no-recovery -noI -noF -noX -no-duplicates -no-fragments -no-xattrs -mkfs-time 100 -all-time 50'.split(' '),
    );
    assert.equal(options.level, 6);
    assert.equal(options.blockSize, 1024 * 1024);
    assert.equal(options.processors, 3);
    assert.equal(options.allRoot, true);
    assert.deepEqual(
      [options.compressInodes, options.compressIds, options.compressFragments, options.compressXattrs, options.duplicates, options.fragments, options.xattrs],
      [false, false, false, false, false, false, false],
    );
    assert.equal(options.mkfsTime, 100);
    assert.equal(options.allTime, 50);
  });

  it('takes zstd with its own level range, in either order', () => {
    assert.equal(parseSquashOptions(['-Xcompression-level', '19', '-comp', 'zstd']).level, 19);
    assert.throws(() => parseSquashOptions(['-comp', 'gzip', '-Xcompression-level', '19']), /invalid -Xcompression-level 19 for gzip/);
  });

  it('rejects what the writer does not support, naming the option', () => {
    for (const [words, pattern] of [
      [['-comp', 'xz'], /unsupported compressor for -comp: xz/],
      [['-always-use-fragments'], /unsupported option -always-use-fragments/],
      [['-b', '3000'], /invalid block size for -b: 3000/],
      [['-b', '2M'], /invalid block size for -b: 2M/],
      [['-processors'], /-processors needs a value/],
      [['-Xwindow-size', '12'], /unsupported option -Xwindow-size/],
    ] as const) {
      assert.throws(() => parseSquashOptions(words), (err: unknown) => err instanceof EnrootError && pattern.test(err.message));
    }
  });
});

describe('FileTree', () => {
  it('creates missing parents and lets them take their metadata later', () => {
    const tree = new FileTree({ mode: 0o755, uid: 0, gid: 0, mtime: 7 });
    tree.addLeaf('a/b/c', { kind: { type: 'fifo' }, meta: META, links: 1 });
    const a = tree.root.children.get('a');
    assert.ok(a instanceof Directory);
    assert.equal(a.meta.mtime, 7);
    tree.addDirectory('a', { ...META, mode: 0o700 });
    assert.equal(a.meta.mode, 0o700);
    assert.throws(() => tree.addDirectory('a', META), /'a' was added twice/);
    assert.throws(() => tree.addLeaf('a/b/c', { kind: { type: 'fifo' }, meta: META, links: 1 }), /added twice/);
    assert.throws(() => tree.addLeaf('a/b/c/d', { kind: { type: 'fifo' }, meta: META, links: 1 }), /a parent path is not a directory/);
  });

  it('rejects paths squashfs cannot hold', () => {
    const tree = new FileTree(META);
    assert.throws(() => tree.addDirectory('a/../b', META), /'\.\.' is not allowed/);
    assert.throws(() => tree.addDirectory('x'.repeat(257), META), /longer than 256 bytes/);
    assert.throws(() => tree.addLeaf('', { kind: { type: 'fifo' }, meta: META, links: 1 }), /root of an image must be a directory/);
  });

  it('resolves hardlinks to targets that come later, through other links', () => {
    const tree = new FileTree(META);
    tree.addHardlink('second', 'first');
    tree.addHardlink('third', 'second');
    tree.addLeaf('first', { kind: { type: 'socket' }, meta: META, links: 1 });
    tree.resolveHardlinks();
    const first = tree.root.children.get('first');
    assert.equal(tree.root.children.get('third'), first);
    assert.equal((first as { links: number }).links, 3);
  });

  it('reports hardlinks it cannot resolve', () => {
    const missing = new FileTree(META);
    missing.addHardlink('link', 'nowhere');
    assert.throws(() => missing.resolveHardlinks(), /hardlink target 'nowhere' does not exist/);
    const cycle = new FileTree(META);
    cycle.addHardlink('a', 'b');
    cycle.addHardlink('b', 'a');
    assert.throws(() => cycle.resolveHardlinks(), /cycle/);
    const directory = new FileTree(META);
    directory.addDirectory('d', META);
    directory.addHardlink('link', 'd');
    assert.throws(() => directory.resolveHardlinks(), /is a directory/);
  });
});

describe('writeListing', () => {
  it('starts a header every 256 entries and indexes headers in later metadata blocks', async () => {
    const table = new MetadataWriter(null);
    const entries: ListingEntry[] = Array.from({ length: 1000 }, (_, i) => ({
      name: Buffer.from(`entry-${String(i).padStart(4, '0')}-${'x'.repeat(20)}`),
      inode: { block: 0, offset: i * 8 },
      number: i + 1,
      type: InodeType.file,
    }));
    const place = await writeListing(table, entries);
    const listing = Buffer.concat((await table.finish()).map((block) => block.subarray(2)));
    let at = 0;
    const headers: number[] = [];
    while (at < place.size - 3) {
      const count = listing.readUInt32LE(at) + 1;
      headers.push(at);
      at += 12;
      for (let k = 0; k < count; k++) at += 8 + listing.readUInt16LE(at + 6) + 1;
    }
    assert.equal(at, place.size - 3);
    assert.ok(headers.length >= 4);
    assert.ok(place.index.length >= Math.floor(listing.length / METADATA_SIZE));
    for (const entry of place.index) {
      assert.ok(headers.includes(entry.listingOffset), `index entry at ${entry.listingOffset} points at a header`);
      assert.ok(entry.listingOffset >= METADATA_SIZE);
    }
  });
});

describe('SquashfsWriter', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'enroot-sqfs-unit-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  async function imageHash(name: string, options: SquashfsOptions, seed: number): Promise<string> {
    const path = join(scratch, name);
    const writer = await SquashfsWriter.create(path, options);
    await feedWriter(writer, generateRandomTree({ seed, entries: 400, blockSize: options.blockSize, bigDirectories: 1 }), seed);
    await writer.finish();
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  }

  it('writes byte-identical images from the same input and SOURCE_DATE_EPOCH', async () => {
    for (const words of [[], ['-Xcompression-level', '1', '-b', '16K'], ['-comp', 'zstd', '-Xcompression-level', '1']]) {
      const options = { ...parseSquashOptions(words), mkfsTime: 1_600_000_000 };
      const first = await imageHash('first.sqsh', options, 9);
      assert.equal(await imageHash('second.sqsh', options, 9), first, `options ${words.join(' ')}`);
      assert.notEqual(await imageHash('third.sqsh', { ...options, mkfsTime: 1_600_000_001 }, 9), first);
    }
  });

  it('writes the same image whatever the number of processors', async () => {
    const options = { ...parseSquashOptions([]), mkfsTime: 1_600_000_000 };
    const one = await imageHash('one.sqsh', { ...options, processors: 1 }, 11);
    assert.equal(await imageHash('three.sqsh', { ...options, processors: 3 }, 11), one);
  });

  it('rejects file data that does not match the declared size', async () => {
    const writer = await SquashfsWriter.create(join(scratch, 'short.sqsh'), defaultSquashfsOptions());
    await assert.rejects(writer.addFile('short', META, 10, [Buffer.alloc(4)]), /'short': its data ended after 4 of 10 bytes/);
    await assert.rejects(writer.addFile('long', META, 2, [Buffer.alloc(4)]), /'long': its data is longer than its size 2/);
    assert.throws(() => writer.addDevice('dev', META, 'char', 5000, 1), /device number 5000:1 does not fit/);
    await writer.abort();
  });

  it('stores a duplicate file once', async () => {
    const sizeWith = async (copies: number): Promise<number> => {
      const path = join(scratch, `dup-${copies}.sqsh`);
      const writer = await SquashfsWriter.create(path, { ...defaultSquashfsOptions(), mkfsTime: 0 });
      const data = Buffer.alloc(1_000_000, 7);
      data.write('not sparse', 0);
      for (let i = 0; i < copies; i++) await writer.addFile(`copy-${i}`, META, data.length, [data]);
      await writer.finish();
      return readFileSync(path).length;
    };
    assert.ok((await sizeWith(3)) - (await sizeWith(1)) < 4096);
  });
});
