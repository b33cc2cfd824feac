// sha256 of a file on a worker thread: the worker reads the file by itself (from the page cache, as the
// caller's own reads do), so hashing a cached blob runs beside the reader instead of on its thread.
// The worker is started from source text (only Node built-ins), so it runs the same from the compiled
// tree and from the bundle.
import { Worker, type MessagePort } from 'node:worker_threads';
import type crypto from 'node:crypto';
import type fs from 'node:fs';

const READ_SIZE = 4 * 1024 * 1024;

type FromWorker = { digest: string } | { error: string; code?: string };

/** The worker's side; it must not refer to anything outside itself. */
function workerMain(port: MessagePort, readFile: typeof fs, createHash: typeof crypto.createHash, file: string, readSize: number): void {
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(readSize);
    const fd = readFile.openSync(file, 'r');
    try {
      for (let read = readFile.readSync(fd, buffer); read > 0; read = readFile.readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
    } finally {
      readFile.closeSync(fd);
    }
    port.postMessage({ digest: `sha256:${hash.digest('hex')}` });
  } catch (err) {
    port.postMessage({ error: (err as Error).message, code: (err as NodeJS.ErrnoException).code });
  }
}

export interface FileHash {
  /** `sha256:<hex>` of the file's bytes. */
  digest: Promise<string>;
}

/** Starts hashing `file` on a worker thread. */
export function hashFileInWorker(file: string): FileHash {
  const source = `(${workerMain.toString()})(require('node:worker_threads').parentPort, require('node:fs'), require('node:crypto').createHash, ${JSON.stringify(file)}, ${READ_SIZE});`;
  const worker = new Worker(source, { eval: true });
  const digest = new Promise<string>((resolve, reject) => {
    worker.once('message', (message: FromWorker) => {
      void worker.terminate();
      if ('digest' in message) resolve(message.digest);
      else reject(Object.assign(new Error(message.error), { code: message.code }));
    });
    worker.once('error', reject);
  });
  digest.catch(() => {}); // the caller may never ask
  return { digest };
}
