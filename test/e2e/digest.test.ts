// `enroot digest` against a fixture registry: single- and multi-platform images, Docker and OCI formats,
// digest references, and the error for a platform the image does not have.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildImage, buildIndex, fetchManifest, pushImage, type BuiltImage, type BuiltIndex } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { cleanEnv, runEnroot } from '../fixtures/cli.js';

let registry: RegistryFixture;
let home: string;
let single: BuiltImage;
let ociIndex: BuiltIndex;
let dockerIndex: BuiltIndex;

const tiny = (name: string) => ({ entries: [{ path: name, content: `${name}\n` }] });

before(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-digest-'));
  registry = await startRegistry('plain');
  single = await buildImage({ layers: [tiny('single')], format: 'docker' });
  const platforms = await Promise.all([
    buildImage({ layers: [tiny('amd64')], architecture: 'amd64' }),
    buildImage({ layers: [tiny('arm64')], architecture: 'arm64', variant: 'v8' }),
    buildImage({ layers: [tiny('ppc64le')], architecture: 'ppc64le' }),
  ]);
  ociIndex = buildIndex(platforms, 'oci');
  const dockerPlatforms = await Promise.all([
    buildImage({ layers: [tiny('d-amd64')], architecture: 'amd64', format: 'docker' }),
    buildImage({ layers: [tiny('d-arm64')], architecture: 'arm64', format: 'docker' }),
  ]);
  dockerIndex = buildIndex(dockerPlatforms, 'docker');
  await pushImage(registry, 'single', '1', single);
  await pushImage(registry, 'multi', 'oci', ociIndex);
  await pushImage(registry, 'multi', 'docker', dockerIndex);
});

after(async () => {
  await registry?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

function digest(uri: string, ...options: string[]) {
  return runEnroot(['digest', ...options, uri], {
    env: cleanEnv(home, { ENROOT_CONF_FILE: '/nonexistent', ENROOT_ALLOW_HTTP: 'y' }),
  });
}

describe('enroot digest', () => {
  test('a single-platform image: the registry digest of its manifest, on stdout alone', async () => {
    const result = await digest(`docker://${registry.host}#single:1`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${single.manifest.digest}\n`);
    assert.equal((await fetchManifest(registry, 'single', '1')).digest, single.manifest.digest);
    assert.match(result.stderr, /\[INFO\] Querying registry for permission grant\n\[INFO\] Permission granted\n/);
    assert.doesNotMatch(result.stderr, /Fetching/);
  });

  const cases: [string, string, () => string][] = [
    ['oci', 'x86_64', () => ociIndex.images[0]!.manifest.digest],
    ['oci', 'amd64', () => ociIndex.images[0]!.manifest.digest],
    ['oci', 'aarch64', () => ociIndex.images[1]!.manifest.digest],
    ['oci', 'arm64/v8', () => ociIndex.images[1]!.manifest.digest],
    ['oci', 'ppc64le', () => ociIndex.images[2]!.manifest.digest],
    ['docker', 'arm64', () => dockerIndex.images[1]!.manifest.digest],
    ['docker', 'x86_64', () => dockerIndex.images[0]!.manifest.digest],
  ];
  for (const [tag, arch, expected] of cases) {
    test(`a ${tag} manifest list, --arch ${arch}: the digest of that platform's manifest`, async () => {
      const result = await digest(`docker://${registry.host}#multi:${tag}`, '--arch', arch);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), expected());
    });
  }

  test('a digest reference to the index selects the platform the same way', async () => {
    const result = await digest(`docker://${registry.host}#multi@${ociIndex.manifest.digest}`, '-a', 'arm64');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), ociIndex.images[1]!.manifest.digest);
  });

  test('a platform the index lacks: one error listing the platforms it has', async () => {
    const result = await digest(`docker://${registry.host}#multi:oci`, '-a', 's390x');
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('[ERROR]'));
    assert.deepEqual(errors, [
      `[ERROR] No image for platform linux/s390x in ${registry.host}#multi:oci; it offers linux/amd64, linux/arm64/v8, linux/ppc64le: choose one with --arch`,
    ]);
  });

  test('errors: unknown tag, bad URI, other schemes, unsupported architecture', async () => {
    const missing = await digest(`docker://${registry.host}#single:nope`);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, new RegExp(`\\[ERROR\\] Image not found: ${registry.host}#single:nope .*404`));
    const bad = await digest('docker://reg#Bad');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /\[ERROR\] Invalid image reference: docker:\/\/reg#Bad/);
    const scheme = await digest('dockerd://ubuntu');
    assert.equal(scheme.status, 1);
    assert.match(scheme.stderr, /\[ERROR\] Invalid argument: dockerd:\/\/ubuntu/);
    const arch = await digest(`docker://${registry.host}#single:1`, '-a', 'sparc');
    assert.equal(arch.status, 1);
    assert.match(arch.stderr, /\[ERROR\] Unsupported architecture: sparc/);
  });

  test('without ENROOT_ALLOW_HTTP a plain-HTTP registry is refused with a hint', async () => {
    const result = await runEnroot(['digest', `docker://${registry.host}#single:1`], { env: cleanEnv(home, { ENROOT_CONF_FILE: '/nonexistent' }) });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /ENROOT_ALLOW_HTTP=y/);
  });
});
