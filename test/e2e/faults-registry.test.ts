// `enroot import` through a misbehaving loopback proxy in front of the fixture registry: resets, error
// bursts, 429 with Retry-After, stalls, truncated bodies, lying Content-Length headers, an expiring token
// and a redirect loop. Each fault either heals within the retry settings (a complete image) or ends in one
// clear [ERROR] line with no output and a cache that still verifies, from which the next clean import works.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { busyboxLayer, buildImage, pushImage, type BuiltImage, type LayerSpec } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { startRegistryProxy, type ProxyBehaviour, type RecordedRequest } from '../fixtures/client-registry-proxy.js';
import { assertFailedCleanly, assertImported, assertOneError, cacheDamage, makeImportHome, type ImportHome } from '../fixtures/fault-import.js';

let plain: RegistryFixture;
let token: RegistryFixture;
let image: BuiltImage;
const homes: ImportHome[] = [];

const textLayer = (name: string): LayerSpec => ({ entries: [{ path: `data/${name}`, content: `${name}\n`.repeat(20_000) }] });
const EXPECTED_PATHS = ['/bin/busybox', '/data/a', '/data/b'];

before(async () => {
  image = await buildImage({ layers: [busyboxLayer(), textLayer('a'), textLayer('b')] });
  [plain, token] = await Promise.all([startRegistry('plain'), startRegistry('token')]);
  await Promise.all([pushImage(plain, 'faults/app', '1', image), pushImage(token, 'faults/app', '1', image)]);
});
after(async () => {
  for (const home of homes) home.remove();
  await Promise.all([plain?.stop(), token?.stop()]);
});

/** The busybox layer: the largest blob, so that half of it is a real partial transfer. */
const bigBlob = () => image.layers[0]!.digest;

interface FaultCase {
  name: string;
  behaviour: () => ProxyBehaviour;
  env: Record<string, string>;
  /** Undefined: the import must succeed; else the one [ERROR] line it must end with. */
  error?: RegExp;
  /** The least time the import must take (a server-imposed wait). */
  minimumMs?: number;
  /** The fault leaves no trace in the requests (the client had every byte before the reset). */
  invisible?: boolean;
}

/** True when the proxy saw the fault happen: an error or redirect status, or a request made again. */
function faultHappened(requests: RecordedRequest[]): boolean {
  const paths = requests.filter((request) => request.method === 'GET').map((request) => request.path);
  return requests.some((request) => (request.status ?? 200) >= 300) || new Set(paths).size < paths.length;
}

const CASES: FaultCase[] = [
  { name: 'a connection reset mid-blob, once, resumes within one retry', behaviour: () => ({ blobFaults: { [bigBlob()]: { kind: 'cut', times: 1 } } }), env: { ENROOT_TRANSFER_RETRIES: '1' } },
  {
    name: 'a connection reset on every transfer of a blob fails once the retries are spent',
    behaviour: () => ({ blobFaults: { [bigBlob()]: { kind: 'cut', times: Infinity } } }),
    env: { ENROOT_TRANSFER_RETRIES: '1' },
    error: /^\[ERROR\] .*(failed|ended|reset|closed|socket)/i,
  },
  ...[500, 502, 503].map((status): FaultCase => ({
    name: `a burst of two ${status} answers to blob requests heals with two retries`,
    behaviour: () => ({ statusBurst: { status, count: 2, on: 'blobs' } }),
    env: { ENROOT_TRANSFER_RETRIES: '2', ENROOT_MAX_CONNECTIONS: '1' },
  })),
  {
    name: 'a burst of 503 answers to manifest requests longer than the retries fails naming the status',
    behaviour: () => ({ statusBurst: { status: 503, count: 10, on: 'manifests' } }),
    env: { ENROOT_TRANSFER_RETRIES: '1' },
    error: /^\[ERROR\] .*returned error code: 503 Service Unavailable/,
  },
  {
    name: '429 with Retry-After on the manifest is waited out',
    behaviour: () => ({ statusBurst: { status: 429, count: 1, on: 'manifests', retryAfterSeconds: 3 } }),
    env: { ENROOT_TRANSFER_RETRIES: '1' },
    minimumMs: 3000,
  },
  {
    // Blobs get two attempts even with ENROOT_TRANSFER_RETRIES=0, as in the reference: a fault twice is fatal.
    name: '429 twice on a blob with ENROOT_TRANSFER_RETRIES=0 fails naming the status',
    behaviour: () => ({ statusBurst: { status: 429, count: 2, on: 'blobs', retryAfterSeconds: 1 } }),
    env: { ENROOT_TRANSFER_RETRIES: '0' },
    error: /^\[ERROR\] .*returned error code: 429 Too Many Requests/,
  },
  {
    name: 'a transfer that stalls every time fails after the transfer timeout and the retries',
    behaviour: () => ({ blobFaults: { [bigBlob()]: { kind: 'stall', times: Infinity } } }),
    env: { ENROOT_TRANSFER_RETRIES: '1', ENROOT_TRANSFER_TIMEOUT: '1' },
    error: /^\[ERROR\] Transfer from 127\.0\.0\.1:\d+ stalled for 1 s/,
  },
  { name: 'a truncated body (a clean end after half) resumes within one retry', behaviour: () => ({ blobFaults: { [bigBlob()]: { kind: 'truncate', times: 1 } } }), env: { ENROOT_TRANSFER_RETRIES: '1' } },
  {
    name: 'a body truncated twice with ENROOT_TRANSFER_RETRIES=0 fails naming the bytes received',
    behaviour: () => ({ blobFaults: { [bigBlob()]: { kind: 'truncate', times: 2 } } }),
    env: { ENROOT_TRANSFER_RETRIES: '0' },
    error: /^\[ERROR\] The download of sha256:[0-9a-f]{64} from .* ended after \d+ of \d+ bytes/,
  },
  { name: 'a Content-Length shorter than the blob resumes within one retry', behaviour: () => ({ blobFaults: { [bigBlob()]: { kind: 'length-short', times: 1 } } }), env: { ENROOT_TRANSFER_RETRIES: '1' } },
  {
    name: 'a Content-Length longer than the blob, then a reset, keeps the complete bytes',
    behaviour: () => ({ blobFaults: { [bigBlob()]: { kind: 'length-long', times: 1 } } }),
    env: { ENROOT_TRANSFER_RETRIES: '1' },
    invisible: true,
  },
  {
    name: 'a redirect loop on blobs fails with one line',
    behaviour: () => ({ redirectLoopBlobs: true }),
    env: { ENROOT_TRANSFER_RETRIES: '1' },
    error: /^\[ERROR\] Too many redirects from http:\/\/127\.0\.0\.1:\d+\/v2\/faults\/app\/blobs\/sha256:[0-9a-f]{64}$/,
  },
];

async function importThroughProxy(registry: RegistryFixture, behaviour: ProxyBehaviour, env: Record<string, string>) {
  const proxy = await startRegistryProxy(registry, behaviour);
  const home = makeImportHome(undefined, registry);
  homes.push(home);
  const before = home.entries();
  const started = Date.now();
  try {
    const result = await home.import(`docker://${proxy.host}#faults/app:1`, 'out.sqsh', env);
    return { result, home, before, elapsedMs: Date.now() - started, requests: proxy.requests };
  } finally {
    await proxy.stop();
  }
}

// The cases share nothing but the registries (each has its own proxy and home): they run side by side.
describe('import through a faulty registry connection', { concurrency: 4 }, () => {
  for (const fault of CASES) {
    test(fault.name, async () => {
      const { result, home, before, elapsedMs, requests } = await importThroughProxy(plain, fault.behaviour(), fault.env);
      if (fault.invisible !== true) assert.ok(faultHappened(requests), 'the proxy injected the fault');
      if (fault.error === undefined) {
        assertImported(result, home, 'out.sqsh', EXPECTED_PATHS);
      } else {
        assertFailedCleanly(result, home, before, fault.error);
        // What the failed run left in the cache is usable: a clean import completes from it.
        const retry = await home.import(`docker://${plain.host}#faults/app:1`, 'out.sqsh');
        assertImported(retry, home, 'out.sqsh', EXPECTED_PATHS);
      }
      if (fault.minimumMs !== undefined) assert.ok(elapsedMs >= fault.minimumMs, `waited ${elapsedMs} ms, at least ${fault.minimumMs}`);
    });
  }

  test('load through a connection that resets every time fails with one line and leaves no container', async () => {
    const proxy = await startRegistryProxy(plain, { blobFaults: { [bigBlob()]: { kind: 'cut', times: Infinity } } });
    const home = makeImportHome();
    homes.push(home);
    try {
      const before = home.entries();
      const result = await home.run(['load', '-n', 'loaded', `docker://${proxy.host}#faults/app:1`], { ENROOT_TRANSFER_RETRIES: '1' });
      assertFailedCleanly(result, home, before, /^\[ERROR\] /);
      assert.deepEqual(fs.existsSync(home.data) ? fs.readdirSync(home.data) : [], [], 'no container and no temporary directory');
    } finally {
      await proxy.stop();
    }
  });

  test('cache entries damaged on disk (a flipped byte, a truncation) never reach an image and do not stay', async () => {
    const home = makeImportHome();
    homes.push(home);
    const uri = `docker://${plain.host}#faults/app:1`;
    assertImported(await home.import(uri, 'first.sqsh'), home, 'first.sqsh', EXPECTED_PATHS);
    const entry = (digest: string) => path.join(home.cache, 'blobs', 'sha256', digest.slice(7));
    const flipped = fs.readFileSync(entry(image.layers[0]!.digest));
    flipped[64]! ^= 0xff; // early in the deflate stream: the decompressor notices before the hash is complete
    fs.writeFileSync(entry(image.layers[0]!.digest), flipped);
    fs.truncateSync(entry(image.layers[1]!.digest), 10);
    const second = await home.import(uri, 'second.sqsh');
    if (second.status !== 0) {
      // The message names the damaged blob (the checksum, or the decompressor when it notices first).
      assertOneError(second, new RegExp(`^\\[ERROR\\] .*${image.layers[0]!.digest.slice(7)}`));
      assert.equal(fs.existsSync(path.join(home.dir, 'second.sqsh')), false);
    }
    // Healed at once, or at least the damage is gone so that the next run heals.
    assert.deepEqual(cacheDamage(home.cache), [], 'no damaged entry stays in the cache');
    const third = await home.import(uri, 'third.sqsh');
    assertImported(third, home, 'third.sqsh', EXPECTED_PATHS);
  });

  test('a token that expires mid-pull is renewed and the import completes', async () => {
    token.tokenIssuer!.setTokenLifetime(2);
    try {
      const proxy = await startRegistryProxy(token, { blobDelayMs: 1200 });
      const home = makeImportHome(undefined, token);
      homes.push(home);
      // One line serves the proxy and the token issuer: both listen on 127.0.0.1.
      home.writeCredentials(`machine 127.0.0.1 login ${token.username} password ${token.password}\n`);
      const issued = token.tokenIssuer!.issued;
      try {
        const result = await home.import(`docker://${proxy.host}#faults/app:1`, 'out.sqsh', { ENROOT_MAX_CONNECTIONS: '1' });
        assertImported(result, home, 'out.sqsh', EXPECTED_PATHS);
        assert.ok(proxy.requests.some((request) => request.path.includes('/blobs/') && request.status === 401), 'a blob request met the expired token');
        assert.ok(token.tokenIssuer!.issued >= issued + 2, 'the token was renewed');
      } finally {
        await proxy.stop();
      }
    } finally {
      token.tokenIssuer!.setTokenLifetime(300);
    }
  });
});
