// Hostile manifests served in place of a real one by the loopback proxy: huge, deeply nested, not JSON, of
// the wrong media type, naming hostile digests or sizes, and indexes that point at themselves or at another
// index. Each ends in one clear [ERROR] line, no output, no blob fetched for it and nothing written outside.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { busyboxLayer, buildImage, pushImage, sha256Digest, type BuiltImage } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { startRegistryProxy, type ServedManifest } from '../fixtures/client-registry-proxy.js';
import { assertFailedCleanly, cachedBlobNames, makeImportHome, type ImportHome } from '../fixtures/fault-import.js';
import { deeplyNestedManifest, hugeManifest, indexNaming, jsonManifest, manifestObject, OCI_INDEX, OCI_MANIFEST } from '../fixtures/hostile-images.js';

let registry: RegistryFixture;
let image: BuiltImage;
const homes: ImportHome[] = [];
const OUTSIDE_MARK = `/tmp/enroot-hostile-manifest-${process.pid}`;

before(async () => {
  registry = await startRegistry('plain');
  image = await buildImage({ layers: [busyboxLayer()] });
  await pushImage(registry, 'hostile/app', '1', image);
});
after(async () => {
  for (const home of homes) home.remove();
  await registry?.stop();
  fs.rmSync(OUTSIDE_MARK, { recursive: true, force: true });
});

interface ManifestCase {
  name: string;
  /** What the proxy serves for each reference (tag `1` or a digest); undefined passes through. */
  serve: (reference: string) => ServedManifest | undefined;
  error: RegExp;
}

const withLayers = (layers: unknown[]) => jsonManifest({ ...manifestObject(image), layers }, OCI_MANIFEST);
const firstLayer = () => (manifestObject(image).layers as Record<string, unknown>[])[0]!;
const selfIndex = () => indexNaming(sha256Digest(Buffer.from('placeholder')), 100);

const CASES: ManifestCase[] = [
  { name: 'a 64 MB manifest', serve: (reference) => (reference === '1' ? hugeManifest(image, 64 * 1024 * 1024) : undefined), error: /larger than \d+ bytes/ },
  { name: 'a manifest nested 200000 arrays deep', serve: (reference) => (reference === '1' ? deeplyNestedManifest(image, 200_000) : undefined), error: /^\[ERROR\] .*(JSON|digest information|descriptor|nested|larger)/ },
  { name: 'a manifest that is not JSON', serve: (reference) => (reference === '1' ? { body: Buffer.from('<html>{"schemaVersion":2'), mediaType: OCI_MANIFEST } : undefined), error: /Could not process JSON input/ },
  { name: 'a manifest that is a JSON array', serve: (reference) => (reference === '1' ? { body: Buffer.from('[1,2,3]'), mediaType: OCI_MANIFEST } : undefined), error: /not a JSON object/ },
  {
    // An unknown Content-Type defers to the body's own mediaType field, which here names the wrong thing.
    name: 'a manifest of the wrong media type',
    serve: (reference) => (reference === '1' ? jsonManifest({ ...manifestObject(image), mediaType: 'application/vnd.oci.image.config.v1+json' }, 'application/octet-stream') : undefined),
    error: /unsupported manifest media type "application\/vnd\.oci\.image\.config\.v1\+json"/,
  },
  {
    name: 'a Docker schema 1 manifest',
    serve: (reference) => (reference === '1' ? jsonManifest({ schemaVersion: 1, name: 'hostile/app', tag: '1', fsLayers: [] }, 'application/vnd.docker.distribution.manifest.v1+prettyjws') : undefined),
    error: /schema 1/,
  },
  { name: 'a layer of an unknown media type', serve: (reference) => (reference === '1' ? withLayers([{ ...firstLayer(), mediaType: 'application/x-evil' }]) : undefined), error: /unsupported media type application\/x-evil/ },
  {
    name: 'a layer digest that is a path',
    serve: (reference) => (reference === '1' ? withLayers([{ ...firstLayer(), digest: `sha256:../../../..${OUTSIDE_MARK}` }]) : undefined),
    error: /^\[ERROR\] .*(digest|Unsupported)/,
  },
  { name: 'a layer digest of another algorithm', serve: (reference) => (reference === '1' ? withLayers([{ ...firstLayer(), digest: `sha512:${'a'.repeat(128)}` }]) : undefined), error: /Unsupported digest "sha512"/ },
  { name: 'a layer with a negative size', serve: (reference) => (reference === '1' ? withLayers([{ ...firstLayer(), size: -1 }]) : undefined), error: /no valid size/ },
  { name: 'a layer with an absurd size', serve: (reference) => (reference === '1' ? withLayers([{ ...firstLayer(), size: 1e300 }]) : undefined), error: /^\[ERROR\] .*(size|larger|space|Checksum)/ },
  { name: 'a manifest without layers', serve: (reference) => (reference === '1' ? withLayers([]) : undefined), error: /lists no layers/ },
  {
    name: 'an index whose entry is served as that same index (it points at itself)',
    serve: () => selfIndex(),
    error: /does not match its digest|manifest list inside a manifest list/,
  },
  {
    name: 'an index pointing at another index',
    serve: (reference) => {
      const inner = jsonManifest({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: image.manifest.digest, size: image.manifest.size, platform: { os: 'linux', architecture: 'amd64' } }] }, OCI_INDEX);
      const innerDigest = sha256Digest(inner.body);
      if (reference === '1') return indexNaming(innerDigest, inner.body.length);
      return reference === innerDigest ? inner : undefined;
    },
    error: /manifest list inside a manifest list/,
  },
];

describe('hostile manifests', () => {
  for (const hostile of CASES) {
    test(hostile.name, async () => {
      const proxy = await startRegistryProxy(registry, { serveManifest: hostile.serve });
      const home = makeImportHome();
      homes.push(home);
      try {
        const before = home.entries();
        const result = await home.import(`docker://${proxy.host}#hostile/app:1`, 'out.sqsh');
        assertFailedCleanly(result, home, before, hostile.error);
        assert.deepEqual(cachedBlobNames(home.cache).filter((name) => name !== image.config.digest.slice(7)), [], 'no layer entered the cache');
        assert.equal(fs.existsSync(OUTSIDE_MARK), false, 'nothing written outside');
        assert.equal(fs.existsSync(path.join(home.dir, 'out.sqsh')), false);
      } finally {
        await proxy.stop();
      }
    });
  }
});
