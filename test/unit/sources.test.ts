import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { EnrootError } from '../../src/errors.js';
import { directoryFiles, tarFiles } from '../../src/image/sources/archive-files.js';
import { openDockerArchive } from '../../src/image/sources/docker-archive.js';
import { parseLocalUri } from '../../src/image/sources/local-uri.js';
import { openOciLayout } from '../../src/image/sources/oci-layout.js';
import { localImageBaseName } from '../../src/image/output-names.js';
import { buildImage, buildIndex, decompressLayer, packTar, type BuiltImage } from '../fixtures/images.js';
import { writeDockerArchive, writeOciArchive, writeOciLayout } from '../fixtures/archive-images.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-sources-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
const file = (name: string) => path.join(scratch, name);
const amd64 = { os: 'linux', architecture: 'amd64' };

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const image = (content: string, architecture = 'amd64', variant?: string): Promise<BuiltImage> =>
  buildImage({
    layers: [{ entries: [{ path: 'a', content }] }, { entries: [{ path: 'b', content: 'same' }], compression: 'none' }],
    architecture,
    ...(variant === undefined ? {} : { variant }),
    config: { Env: [`WHO=${content}`] },
  });

describe('local image URIs', () => {
  it('parses engine and archive schemes, and names their default outputs', () => {
    assert.deepEqual(parseLocalUri('podman://ubuntu:22.04'), { kind: 'engine', scheme: 'podman', image: 'ubuntu:22.04' });
    assert.equal(localImageBaseName(parseLocalUri('dockerd://nvcr.io/nvidia/cuda:12')!), 'nvcr.io+nvidia+cuda+12');
    assert.equal(localImageBaseName(parseLocalUri('dockerd://ubuntu')!), 'ubuntu');
    assert.deepEqual(parseLocalUri('oci-archive:///srv/app.tar'), { kind: 'archive', scheme: 'oci-archive', path: '/srv/app.tar' });
    assert.equal(localImageBaseName(parseLocalUri('docker-archive://images/app.tar')!), 'app');
    assert.equal(localImageBaseName(parseLocalUri('oci:///srv/layouts/app/')!), 'app');
    assert.equal(parseLocalUri('docker://ubuntu'), undefined);
    for (const bad of ['dockerd://ubuntu@sha256:ab', 'podman://', 'podman://a b', 'dockerd://-v', 'oci://']) {
      assert.throws(() => parseLocalUri(bad), (err: unknown) => err instanceof EnrootError && err.message.startsWith(`Invalid image reference: ${bad}`));
    }
  });
});

describe('tar members', () => {
  it('streams members by name, through long names and links, and refuses compressed archives', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const tar = await packTar([
      { path: long, content: 'long' },
      { path: 'x/layer.tar', content: 'data' },
      { path: 'y/layer.tar', type: 'symlink', linkname: '../x/layer.tar' },
      { path: 'empty', content: '' },
    ]);
    fs.writeFileSync(file('members.tar'), tar);
    const files = await tarFiles(file('members.tar'), 'members');
    assert.equal((await bytesOf(files.open(long))).toString(), 'long');
    assert.equal((await bytesOf(files.open('./y/layer.tar'))).toString(), 'data');
    assert.equal(files.size('empty'), 0);
    assert.equal((await bytesOf(files.open('empty'))).length, 0);
    assert.equal(files.size('absent'), undefined);
    fs.writeFileSync(file('members.tar.gz'), gzipSync(tar));
    await assert.rejects(tarFiles(file('members.tar.gz'), 'packed'), /packed is gzip-compressed: decompress it first \(gunzip -k /);
    fs.writeFileSync(file('junk.tar'), Buffer.alloc(2048, 7));
    await assert.rejects(tarFiles(file('junk.tar'), 'junk'), /junk is not a tar archive/);
  });
});

describe('OCI layouts', () => {
  it('choose the requested platform through a nested or a flat index', async () => {
    const index = buildIndex([await image('amd'), await image('arm', 'arm64', 'v8')]);
    for (const flatten of [false, true]) {
      const dir = file(`layout-${flatten}`);
      writeOciLayout(dir, index, { flatten });
      const source = await openOciLayout(directoryFiles(dir, 'oci://x'), 'oci://x', { os: 'linux', architecture: 'arm64' });
      assert.deepEqual(source.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
      assert.equal(source.manifestDigest, index.images[1]!.manifest.digest);
      assert.deepEqual((source.config.json.config as { Env: string[] }).Env, ['WHO=arm']);
      assert.ok((await bytesOf(source.layers[0]!.open())).equals(index.images[1]!.layers[0]!.bytes));
      await assert.rejects(
        openOciLayout(directoryFiles(dir, 'oci://x'), 'oci://x', { os: 'linux', architecture: 'ppc64le' }),
        /No image for platform linux\/ppc64le in oci:\/\/x; it offers linux\/amd64, linux\/arm64\/v8/,
      );
    }
  });

  it('read from a tar and fail a layer whose bytes do not match its digest', async () => {
    const built = await image('one');
    const layerName = `blobs/sha256/${built.layers[0]!.digest.slice(7)}`;
    await writeOciArchive(file('tampered.tar'), built, { tamper: { [layerName]: Buffer.from('not the layer') } });
    const source = await openOciLayout(await tarFiles(file('tampered.tar'), 'oci-archive://t'), 'oci-archive://t', amd64);
    assert.equal(source.uri, 'oci-archive://t');
    await assert.rejects(bytesOf(source.layers[0]!.open()), /Checksum mismatch for blobs\/sha256\/.* in oci-archive:\/\/t/);
    await assert.rejects(openOciLayout(directoryFiles(scratch, 'oci://s'), 'oci://s', amd64), /oci:\/\/s is not an OCI image layout \(it has no oci-layout file\)/);
  });
});

describe('docker save archives', () => {
  for (const style of ['legacy', 'blobs'] as const) {
    it(`read the ${style} layout with plain-tar layers checked against the diff_ids`, async () => {
      const built = await image('saved');
      await writeDockerArchive(file(`${style}.tar`), [{ image: built, tag: 'app:1' }], style);
      const source = await openDockerArchive(await tarFiles(file(`${style}.tar`), 'archive'), 'docker-archive://a', amd64);
      assert.ok(source.config.bytes.equals(built.config.bytes));
      assert.deepEqual(source.layers.map((layer) => layer.digest), built.layers.map((layer) => layer.diffId));
      for (const [index, layer] of source.layers.entries()) {
        assert.ok((await bytesOf(layer.open())).equals(await decompressLayer(built.layers[index]!)));
      }
    });
  }

  it('refuses an archive of several images, naming their tags', async () => {
    await writeDockerArchive(file('two.tar'), [{ image: await image('1'), tag: 'one:1' }, { image: await image('2'), tag: 'two:2' }], 'legacy');
    await assert.rejects(
      openDockerArchive(await tarFiles(file('two.tar'), 'two'), 'docker-archive://two', amd64),
      /two holds 2 images \(one:1, two:2\): save exactly one image per archive/,
    );
    await writeOciArchive(file('oci.tar'), await image('x'));
    await assert.rejects(openDockerArchive(await tarFiles(file('oci.tar'), 'o'), 'o', amd64), /o is not a docker save archive \(it has no manifest.json\): import it with oci-archive:\/\//);
  });
});
