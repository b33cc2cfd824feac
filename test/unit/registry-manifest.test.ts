import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MEDIA_TYPES, parseManifest, type Descriptor } from '../../src/registry/manifest.js';
import { selectPlatform } from '../../src/registry/platform-selection.js';
import { parseArchitecture } from '../../src/reference/platform.js';
import { proxyFor, redactProxy, type ProxySettings } from '../../src/registry/proxy.js';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

function entry(n: number, architecture: string, variant?: string, os = 'linux'): Descriptor {
  return { mediaType: MEDIA_TYPES.ociManifest, digest: digest(n), size: 100, platform: { os, architecture, ...(variant ? { variant } : {}) } };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('manifest parsing', () => {
  const image = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(1), size: 10 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(2), size: 20 }],
  };

  test('an OCI image manifest', () => {
    const parsed = parseManifest(json(image), MEDIA_TYPES.ociManifest, 'r#x:1');
    assert.equal(parsed.kind, 'image');
    assert.deepEqual(parsed.kind === 'image' && parsed.layers.map((l) => l.digest), [digest(2)]);
  });

  test('the media type comes from the body when the Content-Type is generic', () => {
    assert.equal(parseManifest(json(image), 'application/json', 'r#x:1').kind, 'image');
    const index = { schemaVersion: 2, manifests: [{ ...entry(3, 'amd64') }] };
    assert.equal(parseManifest(json(index), undefined, 'r#x:1').kind, 'index');
  });

  test('schema 1, unknown media types, foreign configs and bad digests are clear errors', () => {
    assert.throws(() => parseManifest(json({ schemaVersion: 1, fsLayers: [] }), undefined, 'r#x:1'), /schema 1/);
    assert.throws(() => parseManifest(json({ mediaType: 'application/vnd.example+json' }), undefined, 'r#x:1'), /unsupported manifest media type/);
    const helm = { ...image, config: { ...image.config, mediaType: 'application/vnd.cncf.helm.config.v1+json' } };
    assert.throws(() => parseManifest(json(helm), undefined, 'r#x:1'), /not a container image/);
    const sha512 = { ...image, layers: [{ ...image.layers[0], digest: `sha512:${'0'.repeat(128)}` }] };
    assert.throws(() => parseManifest(json(sha512), undefined, 'r#x:1'), /only sha256/);
    const encrypted = { ...image, layers: [{ ...image.layers[0], mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted' }] };
    assert.throws(() => parseManifest(json(encrypted), undefined, 'r#x:1'), /unsupported media type/);
    assert.throws(() => parseManifest(Buffer.from('<html>'), undefined, 'r#x:1'), /Could not process JSON input/);
  });
});

describe('platform selection', () => {
  const index = [entry(1, 'amd64'), entry(2, 'arm', 'v7'), entry(3, 'arm64', 'v8'), entry(4, 'unknown', undefined, 'unknown'), entry(5, 'arm64', 'v9'), entry(6, 'ppc64le')];

  test('os, architecture and variant; an absent variant means the default one', () => {
    assert.equal(selectPlatform(index, parseArchitecture('x86_64'), 'w').digest, digest(1));
    assert.equal(selectPlatform(index, parseArchitecture('arm64'), 'w').digest, digest(3));
    assert.equal(selectPlatform(index, parseArchitecture('arm64/v9'), 'w').digest, digest(5));
    assert.equal(selectPlatform([entry(7, 'arm64')], parseArchitecture('arm64/v8'), 'w').digest, digest(7));
    assert.equal(selectPlatform([entry(8, 'arm64', 'v9')], parseArchitecture('aarch64'), 'w').digest, digest(8));
  });

  test('no match lists the platforms offered (without attestations)', () => {
    assert.throws(
      () => selectPlatform(index.filter((e) => e.platform?.architecture !== 'ppc64le'), parseArchitecture('ppc64le'), 'reg#img:1'),
      { message: 'No image for platform linux/ppc64le in reg#img:1; it offers linux/amd64, linux/arm/v7, linux/arm64/v8, linux/arm64/v9: choose one with --arch' },
    );
    assert.throws(() => selectPlatform([entry(9, 'amd64', undefined, 'windows')], parseArchitecture('amd64'), 'w'), /it offers windows\/amd64/);
  });
});

describe('proxy selection', () => {
  const proxies: ProxySettings = { https: 'http://p:3128', http: 'http://hp:3128', noProxy: ['localhost', '.internal.example', '10.0.0.0/8', 'reg.example:5000'] };

  test('scheme-specific proxies and no_proxy forms', () => {
    assert.equal(proxyFor(new URL('https://registry-1.docker.io/v2/'), proxies), 'http://p:3128');
    assert.equal(proxyFor(new URL('http://registry.example/v2/'), proxies), 'http://hp:3128');
    assert.equal(proxyFor(new URL('https://localhost:5000/v2/'), proxies), undefined);
    assert.equal(proxyFor(new URL('https://a.internal.example/v2/'), proxies), undefined);
    assert.equal(proxyFor(new URL('https://internal.example/v2/'), proxies), undefined);
    assert.equal(proxyFor(new URL('https://10.1.2.3/v2/'), proxies), undefined);
    assert.equal(proxyFor(new URL('https://11.1.2.3/v2/'), proxies), 'http://p:3128');
    assert.equal(proxyFor(new URL('https://reg.example:5000/v2/'), proxies), undefined);
    assert.equal(proxyFor(new URL('https://reg.example/v2/'), proxies), 'http://p:3128');
    assert.equal(proxyFor(new URL('https://x/'), { all: 'socks5://s:1080', noProxy: [] }), 'socks5://s:1080');
    assert.equal(proxyFor(new URL('https://x/'), { all: 'socks5://s:1080', noProxy: ['*'] }), undefined);
  });

  test('proxy credentials are never shown', () => {
    assert.equal(redactProxy('http://user:secret@proxy:3128'), 'http://proxy:3128/');
  });
});
