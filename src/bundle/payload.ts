// The bundle payload: the tree as a tar (GNU tar: entries ./..., owned by 0:0, times from SOURCE_DATE_EPOCH
// when set), gzip-compressed, written to a file while its SHA-256 and uncompressed size are measured.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { EnrootError } from '../errors.js';

export interface Payload {
  /** `<hex>` SHA-256 of the compressed bytes. */
  sha256: string;
  /** Size of the uncompressed tar, rounded up to whole KB. */
  uncompressedKb: number;
}

function counter(onBytes: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk);
      callback(null, chunk);
    },
  });
}

export async function writePayload(tree: string, file: string, epoch: number | undefined): Promise<Payload> {
  const args = ['--numeric-owner', '--owner=0', '--group=0', '--sort=name', ...(epoch === undefined ? [] : [`--mtime=@${epoch}`]), '-C', tree, '-cf', '-', '.'];
  const tar = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarErrors = '';
  tar.stderr.on('data', (chunk: Buffer) => {
    tarErrors = (tarErrors + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<number>((resolve, reject) => {
    tar.on('error', (err) => reject(new EnrootError(`Command not found: tar (install GNU tar): ${err.message}`)));
    tar.on('close', (status) => resolve(status ?? 1));
  });
  let uncompressed = 0;
  const hash = createHash('sha256');
  await pipeline(
    tar.stdout,
    counter((chunk) => (uncompressed += chunk.length)),
    createGzip({ level: 6 }),
    counter((chunk) => hash.update(chunk)),
    fs.createWriteStream(file, { mode: 0o600 }),
  );
  const status = await exited;
  if (status !== 0) throw new EnrootError(`Could not archive ${tree}: ${tarErrors.trim().split('\n').pop() ?? `tar exited with ${status}`}`);
  return { sha256: hash.digest('hex'), uncompressedKb: Math.ceil(uncompressed / 1024) };
}
