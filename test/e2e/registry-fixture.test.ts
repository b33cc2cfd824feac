import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import {
  buildImage, buildIndex, busyboxLayer, decompressLayer, fetchBlob, fetchManifest, pushImage, readTarEntries, sha256Digest,
  type BuiltImage, type BuiltIndex, type ReadTarEntry, type TarEntry,
} from '../fixtures/images.js';
import { RegistryClient, dispatcherForCa, parseBearerChallenge } from '../fixtures/registry-client.js';
import { startRegistry, type RegistryFixture, type RegistryFlavour } from '../fixtures/registry.js';

const FLAVOURS: RegistryFlavour[] = ['plain', 'tls-basic', 'token'];

const LONG_DIRECTORY_PATH = `long/${'d'.repeat(60)}/${'e'.repeat(60)}/file.txt`; // > 100 bytes, fits ustar prefix+name
const LONG_FILE_NAME = 'n'.repeat(255);
const LONG_PAX_PATH = `deep/${'p'.repeat(100)}/${'q'.repeat(100)}/${'r'.repeat(100)}`;
const NON_ASCII_PATH = 'unicode/ünïcødé-名前.txt';
const BIG_UID = 1_000_000;

const SPECIAL_ENTRIES: TarEntry[] = [
  { path: 'data', type: 'directory' },
  { path: 'data/original', content: 'shared bytes\n' },
  { path: 'data/hardlink', type: 'link', linkname: 'data/original' },
  { path: 'data/symlink', type: 'symlink', linkname: 'original' },
  { path: 'data/xattr', content: 'x', xattrs: { 'user.fixture': 'value ü', 'trusted.other': '1' } },
  { path: 'data/big-owner', content: 'y', uid: BIG_UID, gid: BIG_UID },
  { path: 'bin', type: 'directory' },
  { path: 'bin/suid', content: '#!/bin/sh\n', mode: 0o4755 },
  { path: 'dev', type: 'directory' },
  { path: 'dev/char', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
  { path: 'dev/block', type: 'block-device', devmajor: 7, devminor: 0, mode: 0o660 },
  { path: 'dev/fifo', type: 'fifo' },
  { path: LONG_DIRECTORY_PATH, content: 'long dir' },
  { path: LONG_FILE_NAME, content: 'long name' },
  { path: LONG_PAX_PATH, content: 'long pax path' },
  { path: NON_ASCII_PATH, content: 'unicode' },
];

/** Four layers exercising whiteouts, opaque dirs, a file->dir->file swap, special entries and an empty layer. */
function specialLayers(): { entries: TarEntry[]; compression?: 'gzip' | 'zstd' | 'none' }[] {
  return [
    { entries: [...SPECIAL_ENTRIES, { path: 'swap', content: 'file first' }, { path: 'a/b', content: 'gone later' }] },
    {
      compression: 'zstd',
      entries: [
        { path: 'a/.wh.b' },
        { path: 'data/.wh..wh..opq' },
        { path: 'swap', type: 'directory' },
        { path: 'swap/inner', content: 'now a directory' },
      ],
    },
    { compression: 'none', entries: [{ path: '.wh.swap' }, { path: 'swap', content: 'file again' }] },
    { entries: [] },
  ];
}

let dockerImage: BuiltImage;
let ociImage: BuiltImage;
let platformIndex: BuiltIndex;

before(async () => {
  const config = { Env: ['PATH=/bin'], Entrypoint: ['/bin/sh'], Cmd: ['-c', 'true'], WorkingDir: '/' };
  [dockerImage, ociImage] = await Promise.all([
    buildImage({ format: 'docker', layers: [busyboxLayer(), { entries: [{ path: 'hello', content: 'docker' }] }], config }),
    buildImage({ format: 'oci', layers: specialLayers(), config }),
  ]);
  const arm64 = await buildImage({ layers: [{ entries: [{ path: 'arch', content: 'arm64' }] }], architecture: 'arm64', variant: 'v8' });
  platformIndex = buildIndex([ociImage, arm64]);
});

async function assertManifestRoundTrip(registry: RegistryFixture, repository: string, reference: string, pushed: BuiltImage | BuiltIndex) {
  const fetched = await fetchManifest(registry, repository, reference);
  assert.ok(fetched.bytes.equals(pushed.manifest.bytes), 'manifest bytes differ from what was pushed');
  assert.equal(fetched.digest, pushed.manifest.digest);
  assert.equal(fetched.mediaType, pushed.manifest.mediaType);
}

async function assertBlobsRoundTrip(registry: RegistryFixture, repository: string, image: BuiltImage) {
  for (const blob of [image.config, ...image.layers]) {
    const bytes = await fetchBlob(registry, repository, blob.digest);
    assert.equal(sha256Digest(bytes), blob.digest);
  }
}

async function assertImageRoundTrip(registry: RegistryFixture, repository: string, image: BuiltImage) {
  await pushImage(registry, repository, 'v1', image);
  await assertManifestRoundTrip(registry, repository, 'v1', image);
  await assertManifestRoundTrip(registry, repository, image.manifest.digest, image);
  await assertBlobsRoundTrip(registry, repository, image);
}

for (const flavour of FLAVOURS) {
  describe(`registry fixture: ${flavour}`, () => {
    let registry: RegistryFixture;
    before(async () => { registry = await startRegistry(flavour); });
    after(async () => { await registry.stop(); });

    test('answers GET /v2/ on loopback with the expected scheme', () => {
      assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
      assert.equal(registry.url, `${flavour === 'plain' ? 'http' : 'https'}://${registry.host}`);
      assert.equal(registry.caFile !== undefined, flavour !== 'plain');
    });

    test('round-trips a Docker schema 2 image', async () => {
      assert.equal(dockerImage.manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      await assertImageRoundTrip(registry, 'fixture/docker', dockerImage);
    });

    test('round-trips an OCI image', async () => {
      assert.equal(ociImage.manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
      await assertImageRoundTrip(registry, 'fixture/oci', ociImage);
    });

    test('round-trips a two-platform index and its children', async () => {
      await pushImage(registry, 'fixture/multi', 'latest', platformIndex);
      await assertManifestRoundTrip(registry, 'fixture/multi', 'latest', platformIndex);
      const index = JSON.parse((await fetchManifest(registry, 'fixture/multi', 'latest')).bytes.toString()) as {
        manifests: { digest: string; platform: { architecture: string; variant?: string } }[];
      };
      assert.deepEqual(index.manifests.map((entry) => entry.platform.architecture), ['amd64', 'arm64']);
      assert.equal(index.manifests[1]!.platform.variant, 'v8');
      for (const child of platformIndex.images) {
        await assertManifestRoundTrip(registry, 'fixture/multi', child.manifest.digest, child);
        await assertBlobsRoundTrip(registry, 'fixture/multi', child);
      }
    });
  });
}

describe('registry fixture: tls-basic authentication', () => {
  let registry: RegistryFixture;
  before(async () => { registry = await startRegistry('tls-basic'); });
  after(async () => { await registry.stop(); });

  test('rejects a wrong password and a missing one with 401', async () => {
    for (const password of ['wrong-password', undefined]) {
      const client = new RegistryClient({ ...registry, password, username: password && registry.username });
      const response = await client.send({ method: 'GET', path: '/v2/' });
      await client.close();
      assert.equal(response.status, 401);
      assert.match(String(response.headers['www-authenticate']), /^Basic realm=/);
    }
  });

  test('accepts the right password', async () => {
    const client = new RegistryClient(registry);
    assert.equal((await client.send({ method: 'GET', path: '/v2/' })).status, 200);
    await client.close();
  });
});

/** Asks the fixture's token issuer directly, as a registry client would. */
async function requestToken(registry: RegistryFixture, scope: string, credentials?: { username: string; password: string }) {
  const issuer = registry.tokenIssuer!;
  const url = new URL(issuer.realm);
  url.searchParams.set('service', issuer.service);
  url.searchParams.set('scope', scope);
  const dispatcher = dispatcherForCa(registry.caFile);
  const authorization = credentials && `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const response = await request(url, { dispatcher, headers: authorization ? { authorization } : {} });
  const body = await response.body.text();
  await dispatcher.close();
  return { status: response.statusCode, token: response.statusCode === 200 ? (JSON.parse(body) as { token: string }).token : undefined };
}

async function statusWithToken(registry: RegistryFixture, method: 'GET' | 'POST', path: string, token: string): Promise<number> {
  const dispatcher = dispatcherForCa(registry.caFile);
  const response = await request(`${registry.url}${path}`, { dispatcher, method, headers: { authorization: `Bearer ${token}` } });
  await response.body.dump();
  await dispatcher.close();
  return response.statusCode;
}

function credentialsOf(registry: RegistryFixture) {
  return { username: registry.username!, password: registry.password! };
}

describe('registry fixture: token authentication', () => {
  let registry: RegistryFixture;
  const manifestPath = '/v2/fixture/expiry/manifests/v1';
  before(async () => {
    registry = await startRegistry('token');
    await pushImage(registry, 'fixture/expiry', 'v1', dockerImage);
  });
  after(async () => { await registry.stop(); });

  test('challenges with the issuer realm and service', async () => {
    const dispatcher = dispatcherForCa(registry.caFile);
    const response = await request(`${registry.url}/v2/`, { dispatcher });
    await response.body.dump();
    await dispatcher.close();
    assert.equal(response.statusCode, 401);
    const challenge = parseBearerChallenge(String(response.headers['www-authenticate']));
    assert.equal(challenge?.realm, registry.tokenIssuer!.realm);
    assert.equal(challenge?.service, registry.tokenIssuer!.service);
  });

  test('tokens stop working after the configured lifetime', async () => {
    const issuer = registry.tokenIssuer!;
    issuer.setTokenLifetime(2);
    try {
      const { token } = await requestToken(registry, 'repository:fixture/expiry:pull', credentialsOf(registry));
      assert.equal(await statusWithToken(registry, 'GET', manifestPath, token!), 200);
      await new Promise((resolve) => setTimeout(resolve, 3100));
      assert.equal(await statusWithToken(registry, 'GET', manifestPath, token!), 401);
    } finally {
      issuer.setTokenLifetime(300);
    }
  });

  test('rejects wrong and missing credentials with 401', async () => {
    const wrong = await requestToken(registry, 'repository:fixture/expiry:pull', { username: registry.username!, password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal((await requestToken(registry, 'repository:fixture/expiry:pull')).status, 401);
    assert.ok(registry.tokenIssuer!.requests.some((entry) => !entry.authorized && entry.account === registry.username));
  });

  test('logs requests and issued tokens without the password', () => {
    const issuer = registry.tokenIssuer!;
    assert.ok(issuer.issued >= 2);
    assert.ok(issuer.requests.some((entry) => entry.authorized && entry.scope.includes('repository:fixture/expiry:pull,push')));
    assert.ok(!JSON.stringify(issuer.requests).includes(registry.password!));
  });
});

describe('registry fixture: token authentication with anonymous pull', () => {
  let registry: RegistryFixture;
  before(async () => {
    registry = await startRegistry('token', { anonymousPull: true });
    await pushImage(registry, 'fixture/public', 'v1', dockerImage);
  });
  after(async () => { await registry.stop(); });

  test('anonymous tokens pull but do not push', async () => {
    const { status, token } = await requestToken(registry, 'repository:fixture/public:pull,push');
    assert.equal(status, 200);
    assert.equal(await statusWithToken(registry, 'GET', '/v2/fixture/public/manifests/v1', token!), 200);
    assert.equal(await statusWithToken(registry, 'POST', '/v2/fixture/public/blobs/uploads/', token!), 401);
  });
});

describe('registry fixture: lifecycle', () => {
  test('stop is idempotent and removes the directory', async () => {
    const registry = await startRegistry('plain');
    await Promise.all([registry.stop(), registry.stop()]);
    await registry.stop();
    assert.equal(existsSync(registry.dir), false);
    await assert.rejects(request(`${registry.url}/v2/`));
  });
});

function entriesByName(entries: ReadTarEntry[]): Map<string, ReadTarEntry> {
  return new Map(entries.map((entry) => [entry.header.name.replace(/\/$/, ''), entry]));
}

async function layerEntries(registry: RegistryFixture, repository: string, image: BuiltImage, index: number): Promise<ReadTarEntry[]> {
  const layer = image.layers[index]!;
  const tarBytes = await decompressLayer({ mediaType: layer.mediaType, bytes: await fetchBlob(registry, repository, layer.digest) });
  assert.equal(sha256Digest(tarBytes), layer.diffId, 'diff_id is not the digest of the uncompressed tar');
  return readTarEntries(tarBytes);
}

describe('image builder: tar contents read back from the registry', () => {
  let registry: RegistryFixture;
  let layers: Map<string, ReadTarEntry>[];
  before(async () => {
    registry = await startRegistry('plain');
    await pushImage(registry, 'fixture/tar', 'v1', ociImage);
    layers = await Promise.all(ociImage.layers.map(async (_, index) => entriesByName(await layerEntries(registry, 'fixture/tar', ociImage, index))));
  });
  after(async () => { await registry.stop(); });

  test('layer media types follow each layer compression', () => {
    assert.deepEqual(ociImage.layers.map((layer) => layer.mediaType), [
      'application/vnd.oci.image.layer.v1.tar+gzip',
      'application/vnd.oci.image.layer.v1.tar+zstd',
      'application/vnd.oci.image.layer.v1.tar',
      'application/vnd.oci.image.layer.v1.tar+gzip',
    ]);
  });

  test('PAX xattrs and large ids', () => {
    const xattr = layers[0]!.get('data/xattr')!;
    assert.equal((xattr.header.pax as Record<string, string>)['SCHILY.xattr.user.fixture'], 'value ü');
    assert.equal((xattr.header.pax as Record<string, string>)['SCHILY.xattr.trusted.other'], '1');
    const bigOwner = layers[0]!.get('data/big-owner')!;
    assert.equal((bigOwner.header.pax as Record<string, string>).uid, String(BIG_UID));
    assert.equal((bigOwner.header.pax as Record<string, string>).gid, String(BIG_UID));
  });

  test('device nodes, fifo, setuid, hardlink and symlink', () => {
    const entries = layers[0]!;
    assert.deepEqual(pick(entries.get('dev/char')!), { type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 });
    assert.deepEqual(pick(entries.get('dev/block')!), { type: 'block-device', devmajor: 7, devminor: 0, mode: 0o660 });
    assert.equal(entries.get('dev/fifo')!.header.type, 'fifo');
    assert.equal(entries.get('bin/suid')!.header.mode, 0o4755);
    assert.equal(entries.get('data/hardlink')!.header.type, 'link');
    assert.equal(entries.get('data/hardlink')!.header.linkname, 'data/original');
    assert.equal(entries.get('data/symlink')!.header.type, 'symlink');
    assert.equal(entries.get('data/symlink')!.header.linkname, 'original');
    assert.equal(entries.get('data/original')!.content.toString(), 'shared bytes\n');
  });

  test('long and non-ASCII names, also as GNU tar reads them', async () => {
    const entries = layers[0]!;
    for (const name of [LONG_DIRECTORY_PATH, LONG_FILE_NAME, LONG_PAX_PATH, NON_ASCII_PATH]) assert.ok(entries.has(name), name);
    assert.equal(Buffer.byteLength(LONG_FILE_NAME), 255);
    const layer = ociImage.layers[0]!;
    const listing = spawnSync('tar', ['-tzf', '-', '--quoting-style=literal'], { input: layer.bytes, encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    const gnuNames = listing.stdout.split('\n');
    for (const name of [LONG_DIRECTORY_PATH, LONG_FILE_NAME, LONG_PAX_PATH, NON_ASCII_PATH]) assert.ok(gnuNames.includes(name), name);
  });

  test('whiteouts, opaque directory and a file replaced by a directory and back', () => {
    assert.equal(layers[0]!.get('swap')!.header.type, 'file');
    assert.ok(layers[1]!.has('a/.wh.b'));
    assert.ok(layers[1]!.has('data/.wh..wh..opq'));
    assert.equal(layers[1]!.get('swap')!.header.type, 'directory');
    assert.ok(layers[1]!.has('swap/inner'));
    assert.ok(layers[2]!.has('.wh.swap'));
    assert.equal(layers[2]!.get('swap')!.header.type, 'file');
    assert.equal(layers[2]!.get('swap')!.content.toString(), 'file again');
  });

  test('an empty layer is a tar with no entries', () => {
    assert.equal(layers[3]!.size, 0);
  });
});

function pick(entry: ReadTarEntry) {
  const { type, devmajor, devminor, mode } = entry.header;
  return { type, devmajor, devminor, mode };
}
