// Our squashfs reader on small images of our writer, whole and damaged: what it reads back, and the one
// error (`Invalid image format: FILE (reason)`) every inconsistency becomes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extractorHandles } from '../../src/image/extract.js';
import { parseSquashOptions, SquashfsWriter, type EntryMeta } from '../../src/squashfs/index.js';
import { openSquashfsImage, readInode } from '../../src/squashfs/reader/index.js';

const META: EntryMeta = { mode: 0o644, uid: 1000, gid: 100, mtime: 1_700_000_000, xattrs: { 'user.note': Buffer.from('kept'), 'trusted.hidden': Buffer.from('x') } };

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-reader-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function image(name: string, words: string[]): Promise<string> {
  const file = path.join(dir, name);
  const writer = await SquashfsWriter.create(file, { ...parseSquashOptions(words), mkfsTime: META.mtime });
  writer.addDirectory('etc', { ...META, mode: 0o755 });
  await writer.addFile('etc/hosts', META, 10, [Buffer.from('127.0.0.1\n')]);
  writer.addSymlink('etc/localtime', META, '/usr/share/zoneinfo/UTC');
  writer.addHardlink('etc/hosts.link', 'etc/hosts');
  await writer.finish();
  return file;
}

/** A copy of `file` with `change` applied to its bytes. */
function damaged(file: string, name: string, change: (bytes: Buffer) => Buffer): string {
  const copy = path.join(dir, name);
  fs.writeFileSync(copy, change(fs.readFileSync(file)));
  return copy;
}

describe('squashfs reader', () => {
  test('reads the tree, owners, symlink targets, hardlinks and user.* xattrs of a gzip image', async () => {
    const file = await image('ok.sqsh', []);
    const read = openSquashfsImage(file);
    try {
      const { directories, leaves, names } = read.tree;
      assert.deepEqual(directories.map((node) => node.path.toString()), ['', 'etc']);
      const leafNames = Array.from({ length: leaves.count }, (_, i) => names.toString('utf8', leaves.nameAt[i], leaves.nameAt[i]! + leaves.nameLength[i]!));
      assert.deepEqual(leafNames, ['hosts', 'hosts.link', 'localtime']);
      assert.deepEqual(Array.from(leaves.linkOf.subarray(0, 3)), [-1, 0, -1], 'the second name of an inode is a hardlink to the first');
      const hosts = readInode(read.inodes.bytes, leaves.inodeAt[0]!, read.ids, read.superblock.blockSize);
      assert.deepEqual([hosts.kind, hosts.size, hosts.uid, hosts.gid, hosts.mode, hosts.mtime], ['file', 10, 1000, 100, 0o644, META.mtime]);
      assert.deepEqual(read.xattrs?.userXattrs(hosts.xattr).map(({ name, value }) => `${name}=${value}`), ['user.note=kept'], 'only user.* xattrs');
      const link = readInode(read.inodes.bytes, leaves.inodeAt[2]!, read.ids, read.superblock.blockSize);
      assert.equal(link.target.toString(), '/usr/share/zoneinfo/UTC');
    } finally {
      read.file.close();
    }
    assert.equal(extractorHandles(file), true);
  });

  test('damaged images are refused with the image and the reason', async () => {
    const file = await image('base.sqsh', ['-noI']);
    const cases: [string, (bytes: Buffer) => Buffer, RegExp][] = [
      ['truncated.sqsh', (bytes) => bytes.subarray(0, Number(bytes.readBigUInt64LE(40)) - 1), /the image claims \d+ bytes but the file has \d+/],
      ['version.sqsh', (bytes) => (bytes.writeUInt16LE(3, 28), bytes), /squashfs version 3\.0, not 4\.0/],
      ['block-size.sqsh', (bytes) => (bytes.writeUInt32LE(3000, 12), bytes), /block size 3000 is not a power of two/],
      ['root.sqsh', (bytes) => (bytes.writeBigUInt64LE(0xfff0000n, 32), bytes), /the root inode reference points outside its table/],
      ['tables.sqsh', (bytes) => (bytes.writeBigUInt64LE(bytes.readBigUInt64LE(64), 72), bytes), /the inode and directory tables are out of place/],
    ];
    for (const [name, change, reason] of cases) {
      const copy = damaged(file, name, change);
      assert.throws(() => openSquashfsImage(copy), (err: Error) => {
        assert.equal(err.name, 'EnrootError');
        assert.ok(err.message.startsWith(`Invalid image format: ${copy} (`), err.message);
        assert.match(err.message, reason);
        return true;
      });
    }
  });

  test('compressors other than gzip are not supported by our reader, and create leaves them to unsquashfs', async () => {
    const file = await image('zstd.sqsh', ['-comp', 'zstd']);
    assert.throws(() => openSquashfsImage(file), /Invalid image format: .*zstd\.sqsh \(zstd compression is not supported by our reader\)/);
    assert.equal(extractorHandles(file), false);
  });
});
