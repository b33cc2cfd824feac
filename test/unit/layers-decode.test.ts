import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { chooseCompression, compressionOfMediaType, openLayerTar } from '../../src/layers/index.js';
import { makeLayer, packTar } from '../fixtures/images.js';

const GZIP = Buffer.from([0x1f, 0x8b, 8, 0]);
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const TAR = Buffer.from('etc/');

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('layer decoding', () => {
  it('knows the Docker and OCI layer media types', () => {
    assert.equal(compressionOfMediaType('application/vnd.docker.image.rootfs.diff.tar.gzip'), 'gzip');
    assert.equal(compressionOfMediaType('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'), 'gzip');
    assert.equal(compressionOfMediaType('application/vnd.oci.image.layer.v1.tar+gzip'), 'gzip');
    assert.equal(compressionOfMediaType('application/vnd.oci.image.layer.nondistributable.v1.tar+zstd'), 'zstd');
    assert.equal(compressionOfMediaType('application/vnd.oci.image.layer.v1.tar+zstd'), 'zstd');
    assert.equal(compressionOfMediaType('application/vnd.oci.image.layer.v1.tar'), 'none');
    assert.equal(compressionOfMediaType('application/vnd.docker.image.rootfs.diff.tar'), 'none');
    assert.equal(compressionOfMediaType('application/octet-stream'), undefined);
    assert.throws(() => compressionOfMediaType('application/vnd.oci.image.layer.v1.tar+gzip+encrypted'), /encrypted layers are not supported/);
  });

  it('lets the magic bytes decide when the media type names nothing known or is contradicted', () => {
    assert.equal(chooseCompression('application/octet-stream', ZSTD), 'zstd');
    assert.equal(chooseCompression('application/octet-stream', TAR), 'none');
    assert.equal(chooseCompression('application/vnd.oci.image.layer.v1.tar', GZIP), 'gzip');
    assert.equal(chooseCompression('application/vnd.oci.image.layer.v1.tar+gzip', TAR), 'none');
    assert.equal(chooseCompression('application/vnd.oci.image.layer.v1.tar+gzip', GZIP), 'gzip');
  });

  it('gives back the same tar for every compression, from streams cut into tiny chunks', async () => {
    const tar = await packTar([{ path: 'a', content: 'x'.repeat(10000) }]);
    for (const compression of ['gzip', 'zstd', 'none'] as const) {
      const layer = await makeLayer({ entries: [{ path: 'a', content: 'x'.repeat(10000) }], compression });
      const chunks = Array.from({ length: Math.ceil(layer.bytes.length / 3) }, (_, i) => layer.bytes.subarray(i * 3, i * 3 + 3));
      const decoded = await bytesOf(await openLayerTar({ mediaType: 'application/octet-stream', open: () => Readable.from(chunks) }));
      assert.ok(decoded.equals(tar), compression);
    }
  });

  it('fails when zstd data is corrupt instead of passing a truncated tar on', async () => {
    const layer = await makeLayer({ entries: [{ path: 'a', content: 'y'.repeat(100000) }], compression: 'zstd' });
    const corrupt = Buffer.concat([layer.bytes.subarray(0, 40), Buffer.alloc(40, 0xff)]);
    await assert.rejects(bytesOf(await openLayerTar({ mediaType: layer.mediaType, open: () => Readable.from([corrupt]), description: 'sha256:bad' })), /sha256:bad: zstd could not decompress it/);
  });

  it('reads an empty blob as an empty tar', async () => {
    const decoded = await bytesOf(await openLayerTar({ mediaType: 'application/vnd.oci.image.layer.v1.tar', open: () => Readable.from([]) }));
    assert.equal(decoded.length, 0);
  });
});
