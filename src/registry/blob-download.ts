// Downloading blobs into the cache: at most ENROOT_MAX_CONNECTIONS at a time (0 = no limit), each
// verified against its digest while it streams in, retried on transient failures, resuming with an HTTP
// Range request where the registry supports it. The first failure cancels the other downloads.
import { EnrootError } from '../errors.js';
import type { Progress } from '../log/progress.js';
import type { BlobCache, PendingBlob } from '../cache/blob-cache.js';
import { DigestMismatchError } from '../cache/digest.js';
import { headerValues, type HttpResponse } from './http-client.js';
import type { Descriptor } from './manifest.js';
import type { RegistryRepository } from './registry-repository.js';
import { withRetries } from './retry.js';
import { TransferError } from './transfer-error.js';

const WRITE_BATCH = 1024 * 1024;

export interface DownloadOptions {
  cache: BlobCache;
  repository: RegistryRepository;
  retries: number;
  /** 0 = no limit. */
  maxConnections: number;
  progress: Progress;
}

/** True when a 206 answer continues exactly where the partial blob ends. */
function resumesAt(response: HttpResponse, offset: number): boolean {
  const range = /^bytes (\d+)-/.exec(headerValues(response.headers, 'content-range')[0] ?? '');
  return range !== null && Number(range[1]) === offset;
}

async function receive(descriptor: Descriptor, pending: PendingBlob, options: DownloadOptions, signal: AbortSignal): Promise<void> {
  const { repository, progress } = options;
  const response = await repository.fetchBlob(descriptor, pending.size, signal);
  if (response.status !== 206 || !resumesAt(response, pending.size)) {
    // The whole blob is coming (again): forget what an earlier attempt received.
    progress.advance(-pending.size);
    await pending.restart();
    if (response.status === 206) {
      await response.body.dump();
      throw new TransferError(`${repository.registry} answered a resumed download of ${descriptor.digest} with the wrong range`, true);
    }
  }
  // Network chunks are small: they are written in batches of about WRITE_BATCH bytes.
  let batch: Buffer[] = [];
  let batched = 0;
  const flush = async () => {
    await pending.write(batch);
    progress.advance(batched);
    batch = [];
    batched = 0;
  };
  try {
    for await (const chunk of response.body) {
      const bytes = chunk as Buffer;
      if (pending.size + batched + bytes.length > descriptor.size) {
        throw new DigestMismatchError(`blob ${descriptor.digest} from ${repository.registry}`, descriptor.digest, `more than ${descriptor.size} bytes`);
      }
      batch.push(bytes);
      batched += bytes.length;
      if (batched >= WRITE_BATCH) await flush();
    }
  } catch (err) {
    response.body.destroy();
    // A cache write failure or an oversized blob ends the download; after a network failure what did
    // arrive is kept, so that a retry can resume after it.
    if (err instanceof EnrootError) throw err;
    await flush();
    throw repository.failure(err, response);
  }
  await flush();
  if (pending.size < descriptor.size) {
    throw new TransferError(`The download of ${descriptor.digest} from ${repository.registry} ended after ${pending.size} of ${descriptor.size} bytes`, true);
  }
}

/** Downloads one blob into the cache; nothing enters the cache unless it matches its digest. */
export async function downloadBlob(descriptor: Descriptor, options: DownloadOptions, signal: AbortSignal): Promise<void> {
  const pending = await options.cache.create(descriptor.digest);
  try {
    await withRetries({ retries: options.retries, signal }, async () => {
      // A blob that arrived whole before a failure (or an empty one) needs no request.
      if (pending.size < descriptor.size) await receive(descriptor, pending, options, signal);
    });
    await pending.commit(`blob ${descriptor.digest} from ${options.repository.registry}`);
  } catch (err) {
    options.progress.advance(-pending.size);
    await pending.discard();
    throw err;
  }
}

/** Downloads started in the background; each blob can be waited for on its own. */
export interface Downloads {
  /** Settles when the blob with this digest is in the cache, or with the failure that stopped the downloads. */
  blob(digest: string): Promise<void> | undefined;
  /** Settles when every download is done; rejects with the first failure. */
  readonly all: Promise<void>;
  /** Stops the downloads still running (their blobs then fail). */
  cancel(): void;
}

/**
 * Starts downloading `descriptors` in their order, at most `maxConnections` at a time; the first failure
 * stops the rest, and every blob not yet in the cache fails with it.
 */
export function startDownloads(descriptors: readonly Descriptor[], options: DownloadOptions): Downloads {
  const controller = new AbortController();
  const lanes = options.maxConnections > 0 ? Math.min(options.maxConnections, descriptors.length) : descriptors.length;
  const settled = new Map<string, { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void }>();
  for (const { digest } of descriptors) {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((yes, no) => ([resolve, reject] = [yes, no]));
    promise.catch(() => {}); // a blob nobody waits for must not make an unhandled rejection
    settled.set(digest, { promise, resolve, reject });
  }
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < descriptors.length && failure === undefined) {
      const descriptor = descriptors[next] as Descriptor;
      next += 1;
      try {
        await downloadBlob(descriptor, options, controller.signal);
        settled.get(descriptor.digest)?.resolve();
      } catch (error) {
        if (failure === undefined) {
          failure = { error };
          controller.abort();
        }
      }
    }
  };
  const all = Promise.all(Array.from({ length: lanes }, lane)).then(() => {
    if (failure === undefined) return;
    for (const blob of settled.values()) blob.reject(failure.error); // no-op for those already resolved
    throw failure.error;
  });
  all.catch(() => {});
  return {
    blob: (digest) => settled.get(digest)?.promise,
    all,
    cancel: () => controller.abort(),
  };
}

/** Downloads blobs concurrently, at most `maxConnections` at a time; the first failure stops the rest and is thrown. */
export function downloadBlobs(descriptors: readonly Descriptor[], options: DownloadOptions): Promise<void> {
  return startDownloads(descriptors, options).all;
}
