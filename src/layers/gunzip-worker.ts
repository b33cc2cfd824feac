// gunzip on a worker thread, so that inflating a layer runs on another core than the merge and the image
// writer. The main thread forwards compressed chunks and receives inflated ones; both directions are
// bounded by acknowledgements, so memory stays at a few windows whatever the layer size.
//
// The worker is started from source text (only Node built-ins, no imports of ours), so it runs the same
// from the compiled tree and from the bundle.
import { Readable } from 'node:stream';
import { Worker, type MessagePort } from 'node:worker_threads';
import type zlib from 'node:zlib';

/** Compressed bytes sent to the worker and not yet inflated. */
const INPUT_WINDOW = 4 * 1024 * 1024;
const INFLATE_CHUNK = 256 * 1024;

type ToWorker = { chunk: Uint8Array } | { end: true } | { ack: number };
type FromWorker = { out: Uint8Array } | { consumed: number } | { end: true } | { error: string; code?: string };

/** The worker's side; it must not refer to anything outside itself. */
function workerMain(port: MessagePort, createGunzip: typeof zlib.createGunzip, window: number, chunkSize: number): void {
  const gunzip = createGunzip({ chunkSize });
  const send = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  let unacknowledged = 0;
  gunzip.on('data', (chunk: Buffer) => {
    const copy = new Uint8Array(chunk); // zlib output shares a larger buffer: send a copy of this part
    unacknowledged += copy.byteLength;
    send({ out: copy }, [copy.buffer as ArrayBuffer]);
    if (unacknowledged >= window) gunzip.pause();
  });
  gunzip.on('end', () => {
    send({ end: true });
    port.close(); // the worker then ends by itself
  });
  gunzip.on('error', (err: NodeJS.ErrnoException) => send({ error: err.message, code: err.code }));
  port.on('message', (message: ToWorker) => {
    if ('chunk' in message) {
      gunzip.write(message.chunk, () => send({ consumed: message.chunk.byteLength }));
    } else if ('ack' in message) {
      unacknowledged -= message.ack;
      if (unacknowledged < window && gunzip.isPaused()) gunzip.resume();
    } else {
      gunzip.end();
    }
  });
}

/** The worker's source; `window` is how many inflated bytes it may send ahead of the reader. */
const workerSource = (window: number): string =>
  `(${workerMain.toString()})(require('node:worker_threads').parentPort, require('node:zlib').createGunzip, ${window}, ${INFLATE_CHUNK});`;

class GunzipError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

/** The inflated bytes of the gzip stream `input`, inflated on a worker thread up to `aheadBytes` ahead of the reader. */
export function gunzipInWorker(input: Readable, aheadBytes: number): Readable {
  const worker = new Worker(workerSource(Math.max(aheadBytes, INFLATE_CHUNK)), { eval: true });
  const post = (message: ToWorker, transfer: ArrayBuffer[] = []): void => worker.postMessage(message, transfer);
  let inFlight = 0;
  let owed = 0;
  let finished = false;
  const output = new Readable({
    highWaterMark: INFLATE_CHUNK,
    read() {
      if (owed === 0) return;
      post({ ack: owed });
      owed = 0;
    },
    destroy(err, callback) {
      finished = true;
      input.destroy();
      void worker.terminate();
      callback(err);
    },
  });
  const feed = (): void => {
    while (inFlight < INPUT_WINDOW) {
      const chunk = input.read() as Buffer | null;
      if (chunk === null) return;
      inFlight += chunk.length;
      // A chunk that is all of its buffer moves to the worker; a view of a larger (pooled) one is copied.
      const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
      const sent = whole ? chunk : new Uint8Array(chunk);
      post({ chunk: sent }, [sent.buffer as ArrayBuffer]);
    }
  };
  input.on('readable', feed);
  input.on('end', () => post({ end: true }));
  input.on('error', (err) => output.destroy(err));
  worker.on('message', (message: FromWorker) => {
    if ('out' in message) {
      const chunk = Buffer.from(message.out.buffer, message.out.byteOffset, message.out.byteLength);
      if (output.push(chunk)) post({ ack: chunk.length });
      else owed += chunk.length;
    } else if ('consumed' in message) {
      inFlight -= message.consumed;
      feed();
    } else if ('end' in message) {
      finished = true;
      output.push(null);
    } else {
      output.destroy(new GunzipError(message.error, message.code));
    }
  });
  worker.on('error', (err) => output.destroy(err));
  worker.on('exit', () => {
    if (!finished && !output.destroyed) output.destroy(new Error('the gunzip worker stopped unexpectedly'));
  });
  return output;
}
