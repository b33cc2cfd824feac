// The registry client against the fixture registries: pulls through each flavour with a credentials
// file, wrong and missing credentials, concurrent pulls sharing a cache, and that no credential leaks into
// output, files or command lines.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildImage, busyboxLayer, pushImage, type BuiltImage } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture, type RegistryFlavour } from '../fixtures/registry.js';
import { cachedBlobs, errorLines, makePullHome, pull, type PullHome } from '../fixtures/client-pull-runner.js';
import { testUsers, type TestUser } from '../fixtures/users.js';
import { startConnectProxy } from '../fixtures/client-connect-proxy.js';

const FLAVOURS: RegistryFlavour[] = ['plain', 'tls-basic', 'token'];
const registries = new Map<RegistryFlavour, RegistryFixture>();
let image: BuiltImage;
const homes: PullHome[] = [];

function home(registry: RegistryFixture, user?: TestUser, extra?: Record<string, string>): PullHome {
  const created = makePullHome(registry, user, extra);
  homes.push(created);
  return created;
}

const blobNames = () => [image.config, ...image.layers].map((blob) => blob.digest.slice('sha256:'.length)).sort();

before(async () => {
  image = await buildImage({
    format: 'docker',
    layers: [
      busyboxLayer(),
      { compression: 'zstd', entries: [{ path: 'etc/zstd-layer', content: 'zstd\n' }] },
      { compression: 'none', entries: [{ path: 'etc/plain-layer', content: 'plain\n' }] },
    ],
    config: { Env: ['PATH=/bin'] },
  });
  await Promise.all(
    FLAVOURS.map(async (flavour) => {
      const registry = await startRegistry(flavour);
      registries.set(flavour, registry);
      await pushImage(registry, 'team/app', 'v1', image);
    }),
  );
});

after(async () => {
  await Promise.all([...registries.values()].map((registry) => registry.stop()));
  for (const created of homes) created.remove();
});

/** One entry for the registry host:port only: the token service (another port) must get the same credentials. */
function credentialsLine(registry: RegistryFixture, password = registry.password): string {
  return `machine ${registry.host} login ${registry.username ?? 'nobody'} password ${password ?? 'none'}\n`;
}

describe('pulls through each registry flavour with a credentials file', () => {
  for (const flavour of FLAVOURS) {
    test(flavour, async () => {
      const registry = registries.get(flavour)!;
      const pullHome = home(registry);
      pullHome.writeCredentials(credentialsLine(registry));
      const uri = `docker://${registry.host}#team/app:v1`;
      const first = await pull(pullHome, uri, 'amd64');
      assert.equal(first.status, 0, first.stderr);
      const summary = first.summary!;
      assert.equal(summary.uri, uri);
      assert.equal(summary.manifestDigest, image.manifest.digest);
      assert.equal(summary.configDigest, image.config.digest);
      assert.deepEqual(summary.platform, { os: 'linux', architecture: 'amd64' });
      assert.deepEqual(
        summary.layers.map(({ digest, mediaType, size, readDigest }) => [digest, mediaType, size, readDigest]),
        image.layers.map((layer) => [layer.digest, layer.mediaType, layer.size, layer.digest]),
      );
      assert.match(first.stderr, /\[INFO\] Downloading 3 missing layers\.\.\./);
      if (flavour === 'plain') {
        assert.match(first.stderr, /\[INFO\] Permission granted/);
      } else {
        assert.match(first.stderr, /\[INFO\] Authenticating with user: fixture-user\n/);
        assert.match(first.stderr, new RegExp(`\\[INFO\\] Using credentials from file: ${pullHome.credentials}\n`));
        assert.match(first.stderr, /\[INFO\] Authentication succeeded/);
      }
      // Stored exactly as downloaded, by digest, private to the user.
      assert.deepEqual(cachedBlobs(pullHome), blobNames());
      const blobDir = path.join(pullHome.cache, 'blobs', 'sha256');
      assert.equal(fs.statSync(blobDir).mode & 0o777, 0o700);
      for (const layer of image.layers) {
        const file = path.join(blobDir, layer.digest.slice(7));
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        assert.ok(fs.readFileSync(file).equals(layer.bytes));
      }

      const issuedBefore = registry.tokenIssuer?.issued ?? 0;
      const second = await pull(pullHome, uri, 'x86_64');
      assert.equal(second.status, 0, second.stderr);
      assert.match(second.stderr, /\[INFO\] Found all layers in cache/);
      assert.doesNotMatch(second.stderr, /Downloading/);
      if (registry.tokenIssuer) assert.equal(registry.tokenIssuer.issued, issuedBefore + 1);
    });
  }
});

describe('credentials', () => {
  for (const flavour of ['tls-basic', 'token'] as const) {
    test(`${flavour}: a wrong password is one [ERROR] line naming the registry`, async () => {
      const registry = registries.get(flavour)!;
      const pullHome = home(registry);
      pullHome.writeCredentials(credentialsLine(registry, 'wrong-password'));
      const result = await pull(pullHome, `docker://${registry.host}#team/app:v1`);
      assert.equal(result.status, 1);
      assert.deepEqual(errorLines(result), [
        `[ERROR] Authentication failed for ${registry.host}: check the credentials for that host in ${pullHome.credentials}`,
      ]);
      assert.ok(!result.stderr.includes('wrong-password'));
      assert.deepEqual(cachedBlobs(pullHome), []);
    });

    test(`${flavour}: no credentials at all says which file to put them in`, async () => {
      const registry = registries.get(flavour)!;
      const pullHome = home(registry);
      const result = await pull(pullHome, `docker://${registry.host}#team/app:v1`);
      assert.equal(result.status, 1);
      assert.deepEqual(errorLines(result), [
        `[ERROR] Authentication required for ${registry.host}: add "machine 127.0.0.1 login USER password PASSWORD" to ${pullHome.credentials}`,
      ]);
    });
  }

  test('token: a $(command) password is run by a shell, and one entry serves registry and token service', async () => {
    const registry = registries.get('token')!;
    const pullHome = home(registry);
    const secretFile = path.join(pullHome.home, 'secret');
    fs.writeFileSync(secretFile, `${registry.password}\n`);
    if (process.getuid?.() === 0) fs.chownSync(secretFile, pullHome.user.uid, pullHome.user.gid);
    pullHome.writeCredentials(`# comment\nmachine ${registry.host}\n  login ${registry.username}\n  password $(cat ${secretFile})\n`);
    const before = registry.tokenIssuer!.requests.length;
    const result = await pull(pullHome, `docker://${registry.host}#team/app:v1`);
    assert.equal(result.status, 0, result.stderr);
    const requests = registry.tokenIssuer!.requests.slice(before);
    assert.ok(requests.length > 0 && requests.every((request) => request.authorized && request.account === registry.username));
    assert.deepEqual(requests[0]?.scope, ['repository:team/app:pull']);
  });

  test('tls-basic: user:password in the URI works and is echoed nowhere', async () => {
    const registry = registries.get('tls-basic')!;
    const pullHome = home(registry);
    const result = await pull(pullHome, `docker://${registry.username}:${registry.password}@${registry.host}#team/app:v1`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.summary?.uri, `docker://${registry.host}#team/app:v1`);
    assert.ok(!result.stdout.includes(registry.password!) && !result.stderr.includes(registry.password!));
    const wrong = await pull(pullHome, `docker://${registry.username}:not-it@${registry.host}#team/app:v1`);
    assert.equal(wrong.status, 1);
    assert.ok(!wrong.stderr.includes('not-it'));
  });
});

describe('a shared cache', () => {
  test('two concurrent pulls of the same image both succeed and leave one copy of each blob', async () => {
    const registry = registries.get('token')!;
    const pullHome = home(registry);
    pullHome.writeCredentials(credentialsLine(registry));
    const uri = `docker://${registry.host}#team/app:v1`;
    const results = await Promise.all([pull(pullHome, uri), pull(pullHome, uri)]);
    for (const result of results) {
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(result.summary?.layers.map((layer) => layer.readDigest), image.layers.map((layer) => layer.digest));
    }
    // No temporary files remain: exactly one file per blob.
    assert.deepEqual(cachedBlobs(pullHome), blobNames());
  });
});

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => path.join(dir, name)).filter((file) => fs.statSync(file).isFile());
}

/** Reads every process's command line until stopped, collecting those that contain any of `secrets`. */
function watchCommandLines(secrets: string[]): { stop(): string[] } {
  const found = new Set<string>();
  const scan = () => {
    for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let commandLine: string;
      try {
        commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      if (secrets.some((secret) => commandLine.includes(secret))) found.add(commandLine);
    }
  };
  const timer = setInterval(scan, 5);
  return {
    stop() {
      clearInterval(timer);
      scan();
      return [...found];
    },
  };
}

describe('no credential leaks', () => {
  for (const user of testUsers()) {
    test(`as ${user.name}: not in output, files or command lines during a token pull`, async () => {
      const registry = registries.get('token')!;
      const pullHome = home(registry, user);
      pullHome.writeCredentials(credentialsLine(registry));
      const secrets = [registry.password!, Buffer.from(`${registry.username}:${registry.password}`).toString('base64')];
      const watcher = watchCommandLines(secrets);
      const result = await pull(pullHome, `docker://${registry.host}#team/app:v1`);
      const leakingCommandLines = watcher.stop();
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(leakingCommandLines, []);
      for (const secret of [...secrets, 'Bearer', 'eyJ']) {
        assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `output contains ${secret.slice(0, 3)}...`);
      }
      // The cache holds the blobs and nothing else (no token files); config holds only the credentials file.
      assert.deepEqual(cachedBlobs(pullHome), blobNames());
      assert.deepEqual(filesUnder(pullHome.cache).map((file) => path.basename(file)).sort(), blobNames());
      assert.deepEqual(filesUnder(pullHome.config), [pullHome.credentials]);
      assert.deepEqual(filesUnder(pullHome.data), []);
      for (const file of filesUnder(pullHome.home).filter((file) => file !== pullHome.credentials)) {
        const content = fs.readFileSync(file);
        for (const secret of secrets) assert.ok(!content.includes(secret), `${file} contains a credential`);
      }
      // Files the client created are private to the user.
      for (const file of filesUnder(pullHome.cache)) {
        const stat = fs.statSync(file);
        assert.equal(stat.uid, user.uid);
        assert.equal(stat.mode & 0o077, 0);
      }
    });
  }
});

describe('network settings', () => {
  test('https_proxy with credentials tunnels registry and token service; proxy credentials are not shown', async () => {
    const registry = registries.get('token')!;
    const proxyAuthorization = `Basic ${Buffer.from('proxy-user:proxy-secret').toString('base64')}`;
    const proxy = await startConnectProxy({ requireAuthorization: proxyAuthorization });
    try {
      const pullHome = home(registry, undefined, { https_proxy: proxy.url.replace('http://', 'http://proxy-user:proxy-secret@') });
      pullHome.writeCredentials(credentialsLine(registry));
      const result = await pull(pullHome, `docker://${registry.host}#team/app:v1`);
      assert.equal(result.status, 0, result.stderr);
      const realmHost = new URL(registry.tokenIssuer!.realm).host;
      assert.ok(proxy.tunnels.includes(registry.host) && proxy.tunnels.includes(realmHost), proxy.tunnels.join(' '));
      assert.ok(!result.stderr.includes('proxy-secret'));

      const bypassed = home(registry, undefined, { https_proxy: proxy.url, no_proxy: 'localhost,127.0.0.1' });
      bypassed.writeCredentials(credentialsLine(registry));
      const tunnelsBefore = proxy.tunnels.length;
      const direct = await pull(bypassed, `docker://${registry.host}#team/app:v1`);
      assert.equal(direct.status, 0, direct.stderr);
      assert.equal(proxy.tunnels.length, tunnelsBefore);
    } finally {
      await proxy.stop();
    }
  });

  test('SSL_CERT_DIR is trusted; without the CA the certificate error says what to set', async () => {
    const registry = registries.get('tls-basic')!;
    const pullHome = home(registry);
    pullHome.writeCredentials(credentialsLine(registry));
    const certDir = path.join(pullHome.home, 'certs');
    fs.mkdirSync(certDir);
    fs.copyFileSync(pullHome.env.SSL_CERT_FILE!, path.join(certDir, 'fixture-ca.pem'));
    fs.chmodSync(certDir, 0o755);
    delete pullHome.env.SSL_CERT_FILE;
    pullHome.env.SSL_CERT_DIR = certDir;
    const trusted = await pull(pullHome, `docker://${registry.host}#team/app:v1`);
    assert.equal(trusted.status, 0, trusted.stderr);
    delete pullHome.env.SSL_CERT_DIR;
    const untrusted = await pull(pullHome, `docker://${registry.host}#team/app:v1`);
    assert.equal(untrusted.status, 1);
    assert.match(errorLines(untrusted)[0] ?? '', new RegExp(`^\\[ERROR\\] The TLS certificate of ${registry.host} is not trusted \\(.+\\): set SSL_CERT_FILE or SSL_CERT_DIR`));
  });
});
