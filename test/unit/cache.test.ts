import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { BlobCache } from '../../src/cache/blob-cache.js';
import { EnrootError } from '../../src/errors.js';

const digestOf = (bytes: string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-cache-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('blob cache', () => {
  test('a verified blob is published under its digest, mode 0600, and reads back verified', async () => {
    const cache = BlobCache.at(path.join(dir, 'blobs'));
    assert.equal(fs.statSync(cache.directory).mode & 0o777, 0o700);
    const digest = digestOf('hello world');
    const pending = await cache.create(digest);
    await pending.write([Buffer.from('hello ')]);
    await pending.write([Buffer.from('world')]);
    assert.equal(cache.has(digest), false);
    await pending.commit('test blob');
    assert.equal(cache.has(digest, 11), true);
    assert.equal(fs.statSync(cache.path(digest)).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(cache.directory), [digest.slice(7)]);
    assert.equal(await text(cache.open(digest, 11)), 'hello world');
    assert.equal((await cache.read(digest))?.toString(), 'hello world');
  });

  test('a mismatching blob never enters the cache and leaves no temporary file', async () => {
    const cache = BlobCache.at(dir);
    const digest = digestOf('expected');
    const pending = await cache.create(digest);
    await pending.write([Buffer.from('tampered')]);
    await assert.rejects(pending.commit('test blob'), /Checksum mismatch for test blob/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test('restart forgets what was written', async () => {
    const cache = BlobCache.at(dir);
    const digest = digestOf('abc');
    const pending = await cache.create(digest);
    await pending.write([Buffer.from('xyz!')]);
    await pending.restart();
    await pending.write([Buffer.from('abc')]);
    await pending.commit('test blob');
    assert.equal(fs.readFileSync(cache.path(digest), 'utf8'), 'abc');
  });

  test('a corrupted entry fails verification when read, and is removed', async () => {
    const cache = BlobCache.at(dir);
    const digest = digestOf('good bytes');
    fs.writeFileSync(cache.path(digest), 'evil bytes');
    await assert.rejects(text(cache.open(digest)), (err: unknown) => err instanceof EnrootError && /Checksum mismatch/.test(err.message));
    assert.equal(fs.existsSync(cache.path(digest)), false);
    fs.writeFileSync(cache.path(digest), 'evil bytes');
    assert.equal(await cache.read(digest), undefined);
    assert.equal(fs.existsSync(cache.path(digest)), false);
  });

  test('an entry of the wrong size counts as missing and is removed', () => {
    const cache = BlobCache.at(dir);
    const digest = digestOf('12345');
    fs.writeFileSync(cache.path(digest), '123');
    assert.equal(cache.has(digest, 5), false);
    assert.equal(fs.existsSync(cache.path(digest)), false);
  });

  test('two writers of the same blob leave one entry', async () => {
    const cache = BlobCache.at(dir);
    const digest = digestOf('same');
    const [a, b] = await Promise.all([cache.create(digest), cache.create(digest)]);
    await a.write([Buffer.from('same')]);
    await b.write([Buffer.from('same')]);
    await Promise.all([a.commit('a'), b.commit('b')]);
    assert.deepEqual(fs.readdirSync(dir), [digest.slice(7)]);
  });

  test('temporary files of dead processes of this host are removed when the cache is opened', async () => {
    const cache = BlobCache.at(dir);
    const live = await cache.create(digestOf('x'));
    const [liveName] = fs.readdirSync(dir);
    assert.ok(liveName);
    const deadName = liveName.replace(`-${process.pid}-`, '-999999999-');
    fs.writeFileSync(path.join(dir, deadName), 'partial');
    BlobCache.at(dir);
    assert.deepEqual(fs.readdirSync(dir), [liveName]);
    await live.discard();
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test('without the openssl program, blobs are hashed in-process: a download commits, a damaged entry is refused', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = dir; // nothing to run there
    try {
      const cache = BlobCache.at(path.join(dir, 'blobs'));
      const digest = digestOf('no openssl');
      const pending = await cache.create(digest);
      await pending.write([Buffer.from('no openssl')]);
      await pending.commit('test blob');
      assert.equal(cache.has(digest), true);
      const other = digestOf('placed by hand');
      fs.writeFileSync(cache.path(other), 'placed by hand, then damaged');
      await assert.rejects(text(cache.open(other)), (err: Error) => err instanceof EnrootError && /Checksum mismatch/.test(err.message));
      assert.equal(fs.existsSync(cache.path(other)), false, 'the damaged entry is removed');
    } finally {
      process.env.PATH = savedPath;
    }
  });

  test('a hashing failure is one EnrootError naming the file', async () => {
    const { hashFile } = await import('../../src/cache/file-hash.js');
    await assert.rejects(hashFile(path.join(dir, 'absent')).digest, (err: Error) => err instanceof EnrootError && err.message.includes(path.join(dir, 'absent')));
  });

  test('a reference without a sha256 digest is an error', () => {
    assert.throws(() => BlobCache.at(dir).path('md5:abc'), /only sha256/);
  });
});
