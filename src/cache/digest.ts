// Content digests: only sha256 is supported (it is all registries use), written `sha256:<64 hex>`.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { EnrootError } from '../errors.js';
import type { FileHash } from './file-hash.js';

const SHA256_DIGEST = /^sha256:([0-9a-f]{64})$/;

/** The hex part of a `sha256:<hex>` digest; anything else is an error naming `what` carries it. */
export function digestHex(digest: string, what: string): string {
  const match = SHA256_DIGEST.exec(digest);
  if (match === null) {
    const algorithm = digest.includes(':') ? digest.slice(0, digest.indexOf(':')) : digest;
    throw new EnrootError(`Unsupported digest "${algorithm.slice(0, 40)}" in ${what}: only sha256 digests are supported`);
  }
  return match[1] as string;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class DigestMismatchError extends EnrootError {
  constructor(what: string, expected: string, actual: string) {
    super(`Checksum mismatch for ${what}: expected ${expected}, got ${actual}`);
    this.name = 'DigestMismatchError';
  }
}

/**
 * Passes bytes through unchanged and fails at the end (or as soon as there are too many bytes)
 * unless they hash to `expected`. `onMismatch` runs before the error is emitted. With `hashed`, the digest
 * of the same bytes computed elsewhere (another process reading the same file) is checked instead of hashing here.
 */
export function digestVerifier(
  expected: string, size: number | undefined, what: string, onMismatch: () => void = () => {}, hashed?: FileHash,
): Transform {
  const hash = hashed === undefined ? createHash('sha256') : undefined;
  let seen = 0;
  let flushed = false;
  const fail = (callback: TransformCallback, actual: string) => {
    onMismatch();
    callback(new DigestMismatchError(what, expected, actual));
  };
  const check = (callback: TransformCallback, actual: string) => (actual === expected ? callback() : fail(callback, actual));
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (size !== undefined && seen > size) return fail(callback, `more than ${size} bytes`);
      hash?.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      flushed = true;
      if (hash !== undefined) return check(callback, `sha256:${hash.digest('hex')}`);
      hashed!.digest.then((actual) => check(callback, actual), (err: Error) => callback(err));
    },
    destroy(err, callback) {
      // Ended before its end: often because a damaged blob broke the decompressor before the hash was
      // complete. Let the hash finish, so a damaged entry is still removed and the next run downloads it again.
      if (hashed !== undefined && !flushed) {
        hashed.digest.then((actual) => {
          if (actual !== expected) onMismatch();
        }, () => {});
      }
      callback(err);
    },
  });
}
