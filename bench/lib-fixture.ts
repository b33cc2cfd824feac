// The import benchmarks' image: five gzip layers built once with GNU tar and pigz (never held in memory)
// and cached under FIXTURE_DIR, then pushed to a loopback registry with streaming uploads.
//
// Shape: like the design's reference image (1.55 GB, 50k files, 5 layers, where two parallel `gzip -dc`
// take 8.2 s of wall time for 9.2 s of CPU, i.e. the base layer dominates): a ~1.3 GB base layer and four
// ~100 MB layers, each a bench tree (small text and binary files, medium and large ones, symlinks,
// hardlinks, duplicates) under its own usr/share/pkgN, a file every layer replaces (etc/layer.conf), and
// in each upper layer whiteouts of files and an opaque directory of the layer below.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { exited } from './lib-measure.js';
import { generateBenchTree, type BenchTreeSpec } from './squashfs-tree.js';

export const FIXTURE_DIR = '/dev/shm/enroot-bench-import-fixture-v1';
const FIXTURE_FILE = join(FIXTURE_DIR, 'fixture.json');
const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';
const WHITEOUTS_PER_LAYER = 20;
const TAR_MTIME = '@1700000000';

const BASE_LAYER: BenchTreeSpec = { smallFiles: 30_000, mediumFiles: 130, largeFiles: 6, directories: 1_500 };
const UPPER_LAYER: BenchTreeSpec = { smallFiles: 6_000, mediumFiles: 12, largeFiles: 0, directories: 300 };
const LAYER_SPECS = [BASE_LAYER, UPPER_LAYER, UPPER_LAYER, UPPER_LAYER, UPPER_LAYER];

export interface FixtureLayer {
  file: string;
  digest: string;
  size: number;
  diffId: string;
  tarBytes: number;
}

export interface Fixture {
  layers: FixtureLayer[];
  /** Entries (files, directories, links) over all layers. */
  entries: number;
}

export const uncompressedBytes = (fixture: Fixture): number => fixture.layers.reduce((sum, layer) => sum + layer.tarBytes, 0);

/** The cached fixture, built first when it is missing. */
export async function ensureFixture(): Promise<Fixture> {
  if (existsSync(FIXTURE_FILE)) return JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as Fixture;
  rmSync(FIXTURE_DIR, { recursive: true, force: true });
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const started = Date.now();
  const trees = join(FIXTURE_DIR, 'trees');
  try {
    let entries = 0;
    LAYER_SPECS.forEach((spec, index) => {
      entries += generateLayerTree(join(trees, String(index)), spec, index, index > 0 ? join(trees, String(index - 1)) : undefined);
    });
    const layers: FixtureLayer[] = [];
    for (let index = 0; index < LAYER_SPECS.length; index++) {
      layers.push(await packLayer(join(trees, String(index)), join(FIXTURE_DIR, `layer${index}.tar.gz`)));
    }
    const fixture: Fixture = { layers, entries };
    writeFileSync(FIXTURE_FILE, JSON.stringify(fixture, null, 2));
    console.log(`fixture: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return fixture;
  } finally {
    rmSync(trees, { recursive: true, force: true });
  }
}

/** Writes one layer's tree; returns how many entries it has. */
function generateLayerTree(root: string, spec: BenchTreeSpec, index: number, lower: string | undefined): number {
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'layer.conf'), `layer ${index}\n`);
  const packageDir = join(root, 'usr', 'share', `pkg${index}`);
  mkdirSync(packageDir, { recursive: true });
  generateBenchTree(packageDir, { ...spec, seed: 1000 + index });
  if (lower !== undefined) addWhiteouts(root, lower);
  return readdirSync(root, { recursive: true }).length;
}

/** Whiteouts for a few files of the layer below, and an opaque marker in one of its directories. */
function addWhiteouts(root: string, lower: string): void {
  const lowerPackage = readdirSync(join(lower, 'usr', 'share'))[0]!;
  const lowerEntries = readdirSync(join(lower, 'usr', 'share', lowerPackage), { recursive: true }) as string[];
  const files = lowerEntries.filter((entry) => /(^|\/)file\d+$/.test(entry)).slice(0, WHITEOUTS_PER_LAYER);
  for (const file of files) {
    const directory = join(root, 'usr', 'share', lowerPackage, file, '..');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, `.wh.${file.split('/').pop()!}`), '');
  }
  const opaque = lowerEntries.filter((entry) => /(^|\/)dir\d+$/.test(entry) && statSync(join(lower, 'usr', 'share', lowerPackage, entry)).isDirectory()).at(-1)!;
  mkdirSync(join(root, 'usr', 'share', lowerPackage, opaque), { recursive: true });
  writeFileSync(join(root, 'usr', 'share', lowerPackage, opaque, '.wh..wh..opq'), '');
}

/** `tar | pigz` of a tree into `file`, hashing the tar (diff ID) and the blob (digest) on the way. */
async function packLayer(tree: string, file: string): Promise<FixtureLayer> {
  const tar = spawn('tar', ['--sort=name', '--numeric-owner', '--owner=0', '--group=0', `--mtime=${TAR_MTIME}`, '-C', tree, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pigz = spawn('pigz', ['-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const tarHash = createHash('sha256');
  let tarBytes = 0;
  tar.stdout.on('data', (chunk: Buffer) => {
    tarHash.update(chunk);
    tarBytes += chunk.length;
  });
  const blobHash = createHash('sha256');
  let size = 0;
  pigz.stdout.on('data', (chunk: Buffer) => {
    blobHash.update(chunk);
    size += chunk.length;
  });
  await Promise.all([
    pipeline(tar.stdout, pigz.stdin),
    pipeline(pigz.stdout, createWriteStream(file)),
    exited(tar, 'tar'),
    exited(pigz, 'pigz'),
  ]);
  return { file: relative(FIXTURE_DIR, file), digest: `sha256:${blobHash.digest('hex')}`, size, diffId: `sha256:${tarHash.digest('hex')}`, tarBytes };
}

export const layerPath = (layer: FixtureLayer): string => join(FIXTURE_DIR, layer.file);

/** Puts the fixture's layer blobs into an enroot blob cache, as hard links (same tmpfs). */
export function seedCache(fixture: Fixture, cachePath: string): void {
  const blobs = join(cachePath, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  for (const layer of fixture.layers) linkSync(layerPath(layer), join(blobs, layer.digest.slice('sha256:'.length)));
}

// ---- pushing ----

const CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';

async function expectStatus(response: Awaited<ReturnType<typeof request>>, expected: number, what: string): Promise<void> {
  if (response.statusCode !== expected) throw new Error(`${what}: HTTP ${response.statusCode}: ${await response.body.text()}`);
  await response.body.dump();
}

/** A monolithic blob upload (POST, then PUT with the digest); `body()` gives the bytes, or a stream of them. */
async function pushBlob(registryUrl: string, repository: string, digest: string, size: number, body: () => Readable | Buffer): Promise<void> {
  const started = await request(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  const location = new URL(String(started.headers.location), registryUrl);
  await expectStatus(started, 202, `upload of ${digest}`);
  location.searchParams.set('digest', digest);
  const put = await request(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: body(),
  });
  await expectStatus(put, 201, `upload of ${digest}`);
}

function jsonBlob(value: unknown): { bytes: Buffer; digest: string } {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

/** Pushes the fixture as `repository:tag` to a plain-HTTP registry. */
export async function pushFixture(registryUrl: string, repository: string, tag: string, fixture: Fixture): Promise<void> {
  for (const layer of fixture.layers) {
    await pushBlob(registryUrl, repository, layer.digest, layer.size, () => createReadStream(layerPath(layer)));
  }
  const config = jsonBlob({
    architecture: 'amd64', os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: fixture.layers.map((layer) => layer.diffId) },
  });
  await pushBlob(registryUrl, repository, config.digest, config.bytes.length, () => config.bytes);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: { mediaType: CONFIG_MEDIA_TYPE, digest: config.digest, size: config.bytes.length },
    layers: fixture.layers.map((layer) => ({ mediaType: LAYER_MEDIA_TYPE, digest: layer.digest, size: layer.size })),
  }));
  const put = await request(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT', headers: { 'content-type': MANIFEST_MEDIA_TYPE }, body: manifest,
  });
  await expectStatus(put, 201, `manifest ${repository}:${tag}`);
}
