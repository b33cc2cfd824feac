// The content-addressed blob cache: `CACHE/blobs/sha256/<hex>`, each file exactly the bytes that were
// downloaded (no recompression), readable by its owner only. A blob enters the cache only after its digest
// was verified, through a temporary file that is renamed into place, so concurrent imports of overlapping
// images race benignly: both renames carry identical bytes and one entry remains. Entries are verified again
// every time they are read (by another process hashing the file beside the reader), except those this
// process downloaded and verified itself. Hashing in another process keeps gigabytes of SHA-256 off the
// thread that merges layers.
//
// The subdirectory keeps our entries apart from the reference's cache format (`CACHE/<hex>`, zstd
// transcodes), which could otherwise share the same ENROOT_CACHE_PATH.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { EnrootError, errorText } from '../errors.js';
import { processIsAlive } from '../temporary-files.js';
import { ensureSettingDirectory, makeDirectories } from '../config/directories.js';
import type { Settings } from '../config/settings.js';
import { digestHex, DigestMismatchError, digestVerifier, sha256Digest } from './digest.js';
import { hashFile } from './file-hash.js';

const PARTIAL_PREFIX = '.partial-';
/** Large reads: a layer blob is read in few chunks. */
const READ_CHUNK = 1024 * 1024;

/** Entries this process verified as it downloaded them: reading them again needs no second hash. */
const verifiedByThisProcess = new Set<string>();

// Temporary files of this process, removed if it exits before committing or discarding them.
const liveTemporaryFiles = new Set<string>();
process.once('exit', () => {
  for (const file of liveTemporaryFiles) fs.rmSync(file, { force: true });
});

/** The host name in temporary names keeps hosts sharing a cache over NFS from judging each other's processes. */
const TEMPORARY_OWNER = `${os.hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-${process.pid}`;

function cacheWriteError(directory: string, err: unknown): EnrootError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new EnrootError(`Could not write to the blob cache ${directory} (${code}): check its permissions and free space`);
}

/** A blob being written into the cache; commit() hashes the file and publishes it only if it matches. */
export class PendingBlob {
  private written = 0;
  private closed = false;

  constructor(
    private readonly file: fs.promises.FileHandle,
    private readonly temporaryPath: string,
    private readonly finalPath: string,
    readonly digest: string,
  ) {}

  /** Bytes written so far: where a resumed download continues. */
  get size(): number {
    return this.written;
  }

  /** Appends chunks (several at once: one system call for many small network chunks). */
  async write(chunks: readonly Buffer[]): Promise<void> {
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    try {
      let done = (await this.file.writev(chunks, this.written)).bytesWritten;
      if (done < length) {
        // A short write (a filesystem filling up): write the rest, which then fails with the real error.
        const rest = Buffer.concat(chunks).subarray(done);
        for (let at = 0; at < rest.length; ) {
          const { bytesWritten } = await this.file.write(rest, at, rest.length - at, this.written + done);
          at += bytesWritten;
          done += bytesWritten;
        }
      }
    } catch (err) {
      throw cacheWriteError(path.dirname(this.temporaryPath), err);
    }
    this.written += length;
  }

  /** Forgets everything written, for a download that has to start over. */
  async restart(): Promise<void> {
    await this.file.truncate(0);
    this.written = 0;
  }

  /** Verifies the digest and publishes the blob; on a mismatch the temporary file is removed and nothing is published. */
  async commit(what: string): Promise<void> {
    await this.close();
    let actual: string;
    try {
      actual = await hashFile(this.temporaryPath).digest;
    } catch (err) {
      await this.discard();
      throw new EnrootError(`Could not verify ${what}: ${errorText(err)}`);
    }
    if (actual !== this.digest) {
      await this.discard();
      throw new DigestMismatchError(what, this.digest, actual);
    }
    try {
      await fs.promises.rename(this.temporaryPath, this.finalPath);
    } catch (err) {
      await this.discard();
      throw cacheWriteError(path.dirname(this.finalPath), err);
    }
    liveTemporaryFiles.delete(this.temporaryPath);
    verifiedByThisProcess.add(this.finalPath);
  }

  async discard(): Promise<void> {
    await this.close();
    await fs.promises.rm(this.temporaryPath, { force: true });
    liveTemporaryFiles.delete(this.temporaryPath);
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}

export class BlobCache {
  private constructor(readonly directory: string) {}

  /** The cache under ENROOT_CACHE_PATH, created (mode 0700) if needed, with stale temporary files removed. */
  static open(settings: Settings): BlobCache {
    const root = ensureSettingDirectory(settings, 'ENROOT_CACHE_PATH');
    return BlobCache.at(path.join(root, 'blobs', 'sha256'));
  }

  /** A cache in a given directory (tests). */
  static at(directory: string): BlobCache {
    try {
      makeDirectories(directory);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new EnrootError(`Could not create the blob cache ${directory} (${code}): set ENROOT_CACHE_PATH to a writable directory`);
    }
    const cache = new BlobCache(directory);
    cache.removeStaleTemporaryFiles();
    return cache;
  }

  path(digest: string): string {
    return path.join(this.directory, digestHex(digest, 'a blob reference'));
  }

  /**
   * True when the blob is cached with the expected size. A cached file of the wrong size is corrupt
   * (or truncated) and is removed so that it is downloaded again.
   */
  has(digest: string, size?: number): boolean {
    const file = this.path(digest);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return false;
    }
    if (size === undefined || stat.size === size) return true;
    fs.rmSync(file, { force: true });
    return false;
  }

  /** A stream of a cached blob, verified against its digest while it is read; a corrupt entry is removed. */
  open(digest: string, size?: number): Readable {
    const file = this.path(digest);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new EnrootError(`Could not read cached blob ${file} (${code}): run the command again to download it`);
    }
    const reader = fs.createReadStream(file, { fd, highWaterMark: READ_CHUNK });
    if (verifiedByThisProcess.has(file)) return reader;
    const what = `cached blob ${file}`;
    const verifier = digestVerifier(digest, size, what, () => fs.rmSync(file, { force: true }), hashFile(file));
    // pipeline forwards a read error to the verifier, which the consumer reads.
    return pipeline(reader, verifier, () => {});
  }

  /** The whole of a (small) cached blob, verified; undefined if absent or corrupt (then removed). */
  async read(digest: string): Promise<Buffer | undefined> {
    const file = this.path(digest);
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(file);
    } catch {
      return undefined;
    }
    if (sha256Digest(bytes) === digest) return bytes;
    await fs.promises.rm(file, { force: true });
    return undefined;
  }

  /** Starts writing a blob under a temporary name (mode 0600) in the cache directory. */
  async create(digest: string): Promise<PendingBlob> {
    const finalPath = this.path(digest);
    const temporaryPath = path.join(
      this.directory,
      `${PARTIAL_PREFIX}${path.basename(finalPath)}-${TEMPORARY_OWNER}-${randomBytes(4).toString('hex')}`,
    );
    liveTemporaryFiles.add(temporaryPath);
    try {
      const file = await fs.promises.open(temporaryPath, 'wx', 0o600);
      return new PendingBlob(file, temporaryPath, finalPath, digest);
    } catch (err) {
      liveTemporaryFiles.delete(temporaryPath);
      throw cacheWriteError(this.directory, err);
    }
  }

  /** Removes temporary files left by processes of this host that no longer run (interrupted downloads). */
  private removeStaleTemporaryFiles(): void {
    const hostPrefix = `${TEMPORARY_OWNER.slice(0, TEMPORARY_OWNER.lastIndexOf('-'))}-`;
    for (const name of fs.readdirSync(this.directory)) {
      if (!name.startsWith(PARTIAL_PREFIX)) continue;
      // .partial-<hex>-<host>-<pid>-<random>
      const owner = name.slice(PARTIAL_PREFIX.length + 65);
      if (!owner.startsWith(hostPrefix)) continue;
      const pid = Number(owner.slice(hostPrefix.length).split('-')[0]);
      if (Number.isInteger(pid) && pid > 0 && !processIsAlive(pid)) fs.rmSync(path.join(this.directory, name), { force: true });
    }
  }
}
