// The registry client when things go wrong between it and the registry: tokens expiring mid-pull, a
// corrupted blob, a cut or stalled transfer, a slow but moving one, redirects to blob storage on another
// origin, and the connection limit. A misbehaving loopback proxy sits in front of the fixture registries.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildImage, buildIndex, busyboxLayer, pushImage, sha256Digest, type BuiltImage, type BuiltIndex, type LayerSpec } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { startRegistryProxy, type ProxyBehaviour, type RegistryProxy } from '../fixtures/client-registry-proxy.js';
import { cachedBlobs, errorLines, makePullHome, pull, type PullHome } from '../fixtures/client-pull-runner.js';

let plain: RegistryFixture;
let token: RegistryFixture;
let image: BuiltImage;
let index: BuiltIndex;
const cleanups: (() => unknown)[] = [];

const smallLayer = (name: string): LayerSpec => ({ entries: [{ path: name, content: `${name}\n`.repeat(1000) }] });

before(async () => {
  image = await buildImage({ layers: [busyboxLayer(), smallLayer('a'), smallLayer('b'), smallLayer('c'), smallLayer('d')] });
  [plain, token] = await Promise.all([startRegistry('plain'), startRegistry('token')]);
  index = buildIndex(await Promise.all(['amd64', 'arm64'].map((architecture) => buildImage({ layers: [smallLayer(architecture)], architecture }))));
  await Promise.all([
    pushImage(plain, 'faults/app', '1', image),
    pushImage(plain, 'faults/multi', '1', index),
    pushImage(token, 'faults/app', '1', image),
  ]);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await Promise.all([plain?.stop(), token?.stop()]);
});

/** A proxy in front of `registry` and a pull home that reaches it over plain HTTP. */
async function setup(registry: RegistryFixture, behaviour: ProxyBehaviour, env: Record<string, string> = {}): Promise<{ proxy: RegistryProxy; home: PullHome; uri: string }> {
  const proxy = await startRegistryProxy(registry, behaviour);
  const home = makePullHome(registry, undefined, { ENROOT_ALLOW_HTTP: 'y', ...env });
  cleanups.push(() => proxy.stop(), () => home.remove());
  if (registry.username !== undefined) home.writeCredentials(`machine 127.0.0.1 login ${registry.username} password ${registry.password}\n`);
  return { proxy, home, uri: `docker://${proxy.host}#faults/app:1` };
}

const blobRequests = (proxy: RegistryProxy, digest: string) => proxy.requests.filter((request) => request.path.endsWith(`/blobs/${digest}`));

describe('fault tolerance', () => {
  test('a pull survives its token expiring mid-download', async () => {
    const { proxy, home, uri } = await setup(token, { blobDelayMs: 1200 }, { ENROOT_MAX_CONNECTIONS: '1' });
    token.tokenIssuer!.setTokenLifetime(2);
    cleanups.push(() => token.tokenIssuer!.setTokenLifetime(300));
    const issued = token.tokenIssuer!.issued;
    const result = await pull(home, uri);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.summary?.layers.map((layer) => layer.readDigest), image.layers.map((layer) => layer.digest));
    const refused = proxy.requests.filter((request) => request.path.includes('/blobs/') && request.status === 401);
    assert.ok(refused.length >= 1, 'some blob request met an expired token');
    assert.ok(token.tokenIssuer!.issued >= issued + 2, 'the token was renewed');
    assert.equal(result.stderr.match(/Authentication succeeded/g)?.length, 1);
  });

  test('a blob whose bytes do not match its digest is rejected and does not enter the cache', async () => {
    const bad = image.layers[2]!.digest;
    const { home, uri } = await setup(plain, { corruptDigest: bad });
    const result = await pull(home, uri);
    assert.equal(result.status, 1);
    const errors = errorLines(result);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, new RegExp(`^\\[ERROR\\] Checksum mismatch for blob ${bad} from 127\\.0\\.0\\.1:\\d+: expected ${bad}, got sha256:[0-9a-f]{64}$`));
    const cached = cachedBlobs(home);
    assert.ok(!cached.includes(bad.slice(7)));
    assert.ok(cached.every((name) => /^[0-9a-f]{64}$/.test(name)), `no temporary files remain: ${cached.join(' ')}`);
  });

  test('a cut transfer resumes with an HTTP Range request', async () => {
    const big = image.layers[0]!;
    const { proxy, home, uri } = await setup(plain, { cutOnceDigest: big.digest });
    const result = await pull(home, uri);
    assert.equal(result.status, 0, result.stderr);
    const requests = blobRequests(proxy, big.digest);
    assert.equal(requests.length, 2);
    assert.equal(requests[0]?.range, undefined);
    assert.match(requests[1]?.range ?? '', /^bytes=[1-9]\d*-$/);
    assert.equal(requests[1]?.status, 206);
    assert.ok(fs.readFileSync(path.join(home.cache, 'blobs', 'sha256', big.digest.slice(7))).equals(big.bytes));
  });

  test('the transfer timeout ends a stalled transfer (then resumed), not a slow moving one', async () => {
    const stalled = image.layers[0]!;
    const slow = image.layers[1]!;
    const { proxy, home, uri } = await setup(plain, { stallOnceDigest: stalled.digest, trickleDigest: slow.digest, trickleIntervalMs: 250 }, {
      ENROOT_TRANSFER_TIMEOUT: '1',
    });
    const started = Date.now();
    const result = await pull(home, uri);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(Date.now() - started >= 2500, 'the slow transfer took longer than the timeout');
    assert.equal(blobRequests(proxy, slow.digest).length, 1);
    const stalledRequests = blobRequests(proxy, stalled.digest);
    assert.equal(stalledRequests.length, 2);
    assert.match(stalledRequests[1]?.range ?? '', /^bytes=[1-9]\d*-$/);
  });

  test('redirects to blob storage on another origin never carry the Authorization header', async () => {
    const { proxy, home, uri } = await setup(token, { redirectBlobs: true });
    const result = await pull(home, uri);
    assert.equal(result.status, 0, result.stderr);
    const authorizedBlobRequests = proxy.requests.filter((request) => request.path.includes('/blobs/') && request.status === 200);
    assert.ok(authorizedBlobRequests.length > 0 && authorizedBlobRequests.every((request) => request.authorization));
    assert.equal(proxy.storageRequests.length, image.layers.length + 1);
    assert.ok(proxy.storageRequests.every((request) => !request.authorization));
  });

  test('a manifest that does not match the digest it was asked by is rejected', async () => {
    const { home, proxy } = await setup(plain, { alterManifests: true });
    const pinned = await pull(home, `docker://${proxy.host}#faults/app@${image.manifest.digest}`);
    assert.equal(pinned.status, 1);
    assert.deepEqual(errorLines(pinned), [
      `[ERROR] The manifest of ${proxy.host}#faults/app@${image.manifest.digest} does not match its digest (got ${sha256Digest(Buffer.concat([image.manifest.bytes, Buffer.from(' ')]))}): the registry or a proxy served other content`,
    ]);
    // A manifest list names its manifests by digest: the selected one is checked too.
    const listed = await pull(home, `docker://${proxy.host}#faults/multi:1`, 'arm64');
    assert.equal(listed.status, 1);
    assert.match(errorLines(listed)[0] ?? '', new RegExp(`The manifest of ${proxy.host}#faults/multi@${index.images[1]!.manifest.digest} does not match its digest`));
    assert.deepEqual(cachedBlobs(home), []);
  });

  for (const [limit, expected] of [['2', 2], ['0', 5]] as const) {
    test(`ENROOT_MAX_CONNECTIONS=${limit} allows ${expected} blob downloads at once`, async () => {
      const { proxy, home, uri } = await setup(plain, { blobDelayMs: 300 }, { ENROOT_MAX_CONNECTIONS: limit });
      const result = await pull(home, uri);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(proxy.maxConcurrentBlobs, expected);
    });
  }
});
