// The registry as an image source: `docker://` URI in, ImageSource out (config parsed, every layer in the
// cache), and the manifest digest for `enroot digest`.
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { EnrootError } from '../errors.js';
import type { Settings } from '../config/settings.js';
import { log as defaultLog, type Logger } from '../log/log.js';
import { startProgress, type Progress } from '../log/progress.js';
import { BlobCache } from '../cache/blob-cache.js';
import { canonicalDockerUri, describeReference, parseDockerUri } from '../reference/docker-uri.js';
import type { ImageConfig, ImageSource } from '../reference/image-source.js';
import { configPlatform, requestedPlatform } from '../reference/platform.js';
import { downloadBlobs, startDownloads, type DownloadOptions, type Downloads } from './blob-download.js';
import type { Descriptor } from './manifest.js';
import { resolveImageManifest } from './manifest-resolution.js';
import { openRegistrySession, withRegistrySession } from './registry-session.js';

/** The config blob is too small to deserve a progress bar. */
const NO_PROGRESS: Progress = { advance() {}, setTotal() {}, done() {} };

export interface RegistryImageOptions {
  /** The `--arch` value; default: this machine's architecture. */
  arch?: string;
  log?: Logger;
}

/** Image configs are small JSON documents; a larger one is refused rather than read into memory. */
const CONFIG_LIMIT = 16 * 1024 * 1024;

async function readConfig(descriptor: Descriptor, options: DownloadOptions, where: string): Promise<ImageConfig> {
  if (descriptor.size > CONFIG_LIMIT) {
    throw new EnrootError(`The image config of ${where} is ${descriptor.size} bytes, more than the ${CONFIG_LIMIT} this tool accepts`);
  }
  let bytes = await options.cache.read(descriptor.digest);
  if (bytes === undefined) {
    await downloadBlobs([descriptor], options);
    bytes = await options.cache.read(descriptor.digest);
    if (bytes === undefined) throw new EnrootError(`The image config ${descriptor.digest} vanished from the cache ${options.cache.directory}: run the command again`);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new EnrootError(`Could not process JSON input: the image config of ${where} is not valid JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new EnrootError(`Could not process JSON input: the image config of ${where} is not a JSON object`);
  }
  return { json: json as Record<string, unknown>, bytes, digest: descriptor.digest };
}

/** An opened registry image; `release` stops the downloads still running (for a merge that failed). */
export interface OpenedRegistryImage {
  source: ImageSource;
  release(): void;
}

/** A stream that starts reading `open()` once `ready` resolves, and fails with its failure. */
function readWhenReady(ready: Promise<void>, open: () => Readable): Readable {
  const output = new PassThrough();
  ready.then(
    () => {
      if (output.destroyed) return;
      try {
        pipeline(open(), output, () => {});
      } catch (err) {
        output.destroy(err as Error);
      }
    },
    (err: Error) => output.destroy(err),
  );
  return output;
}

/**
 * Resolves a `docker://` URI to one image for the requested platform, downloads its config, and starts
 * downloading the layers missing from the cache: the source's layers read from the cache, each as soon as
 * its download is complete, so the merge (which reads the top layer first) overlaps the downloads of the
 * layers below it. The top layers are downloaded first.
 */
export async function openRegistryImage(uri: string, settings: Settings, options: RegistryImageOptions = {}): Promise<OpenedRegistryImage> {
  const log = options.log ?? defaultLog;
  const reference = parseDockerUri(uri);
  const wanted = requestedPlatform(options.arch);
  const cache = BlobCache.open(settings);
  const where = describeReference(reference);
  const session = openRegistrySession(reference, settings, log);
  try {
    const resolved = await resolveImageManifest(session.repository, reference, wanted, log);
    const download = (progress: DownloadOptions['progress']): DownloadOptions => ({
      cache,
      repository: session.repository,
      retries: Math.max(1, session.retries),
      maxConnections: session.maxConnections,
      progress,
    });
    const config = await readConfig(resolved.manifest.config, download(NO_PROGRESS), where);

    const layers = resolved.manifest.layers;
    const topFirst = [...layers].reverse();
    const missing = [...new Map(topFirst.filter((layer) => !cache.has(layer.digest, layer.size)).map((layer) => [layer.digest, layer])).values()];
    let downloads: Downloads | undefined;
    if (missing.length === 0) {
      log.info('Found all layers in cache');
    } else {
      log.info(`Downloading ${missing.length} missing layers...`);
      const total = missing.reduce((sum, layer) => sum + layer.size, 0);
      const progress = startProgress('Downloading', { total, unit: 'bytes' });
      downloads = startDownloads(missing, download(progress));
      void downloads.all.finally(() => progress.done()).catch(() => {});
    }
    const source: ImageSource = {
      uri: canonicalDockerUri(reference),
      manifestDigest: resolved.digest,
      requestedPlatform: wanted,
      platform: configPlatform(config.json, resolved.indexPlatform),
      config,
      layers: layers.map((layer) => {
        const openCached = (): Readable => cache.open(layer.digest, layer.size);
        const ready = downloads?.blob(layer.digest);
        return {
          digest: layer.digest,
          mediaType: layer.mediaType,
          size: layer.size,
          open: ready === undefined ? openCached : () => readWhenReady(ready, openCached),
        };
      }),
    };
    // The connections are needed until the last download ends, whoever waits for it.
    void (downloads?.all ?? Promise.resolve()).catch(() => {}).then(() => session.close());
    return { source, release: () => downloads?.cancel() };
  } catch (err) {
    await session.close();
    throw err;
  }
}

/** The digest of the image manifest `import` would use for this URI and platform, computed from its bytes. */
export async function fetchManifestDigest(uri: string, settings: Settings, options: RegistryImageOptions = {}): Promise<string> {
  const log = options.log ?? defaultLog;
  const reference = parseDockerUri(uri);
  const wanted = requestedPlatform(options.arch);
  return withRegistrySession(reference, settings, log, async (session) => {
    const resolved = await resolveImageManifest(session.repository, reference, wanted, undefined);
    return resolved.digest;
  });
}
