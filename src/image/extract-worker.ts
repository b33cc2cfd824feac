// Worker thread of the extractor: takes chunks until none are left or a stop is requested, and reports
// the bytes written now and then, then how it ended.
import { parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../errors.js';
import { blockDecompressor, ImageFile, ImageFormatError, readImageTables } from '../squashfs/reader/index.js';
import { systemErrorText } from '../sys/extract-calls.js';
import { ChunkRunner, EntryFailure } from './extract-chunks.js';
import { FileDataCopier } from './extract-data.js';
import { creationFailure } from './extract-directories.js';
import { EntryWriter } from './extract-entries.js';
import { Control, type WorkerReport, type WorkerRun, type WorkerStart } from './extract-protocol.js';

class Stopped extends Error {}

/** Progress goes out at most this often: a message per chunk would cost more than small chunks take. */
const PROGRESS_INTERVAL_MS = 100;

const control = new Int32Array((workerData as WorkerStart).control);

function checkStop(): void {
  if (Atomics.load(control, Control.stop) !== 0) throw new Stopped();
}

function extractChunks(run: WorkerRun): void {
  const file = ImageFile.open(run.imagePath);
  try {
    const tables = readImageTables(file);
    const { superblock, fragments } = tables;
    const layout = { blockSize: superblock.blockSize, imageLength: file.length, fragments };
    const copier = new FileDataCopier(file.fd, layout, blockDecompressor(superblock.compression), checkStop);
    const runner = new ChunkRunner(run, tables, new EntryWriter(copier, Buffer.from(run.inodes), run.extractor), checkStop);
    const chunks = run.chunks.length / 3;
    let unreported = 0;
    let reported = Date.now();
    for (let chunk = Atomics.add(control, Control.nextChunk, 1); chunk < chunks; chunk = Atomics.add(control, Control.nextChunk, 1)) {
      checkStop();
      unreported += runner.runChunk(chunk);
      if (Date.now() - reported >= PROGRESS_INTERVAL_MS) {
        parentPort!.postMessage({ kind: 'progress', bytes: unreported } satisfies WorkerReport);
        [unreported, reported] = [0, Date.now()];
      }
    }
    parentPort!.postMessage({ kind: 'progress', bytes: unreported } satisfies WorkerReport);
  } finally {
    file.close();
  }
}

/**
 * How a failure is reported: a broken image as the reason it is invalid (and where), a failed entry as
 * the entry and the system's reason, anything else against the image.
 */
function failureReport(err: unknown, run: WorkerRun): WorkerReport {
  const path = err instanceof EntryFailure ? err.path : undefined;
  const cause = err instanceof EntryFailure ? err.failure : err;
  if (cause instanceof Stopped) return { kind: 'stopped' };
  if (cause instanceof ImageFormatError) return { kind: 'failed', message: path === undefined ? cause.message : `${cause.message}: /${path === '.' ? '' : path}`, invalidImage: true };
  if (path === undefined) return { kind: 'failed', message: `Could not extract ${run.imagePath}: ${systemErrorText(cause) ?? errorText(cause)}`, invalidImage: false };
  return { kind: 'failed', message: creationFailure(path === '.' ? run.rootPath : `${run.rootPath}/${path}`, cause), invalidImage: false };
}

parentPort!.once('message', (run: WorkerRun) => {
  let outcome: WorkerReport = { kind: 'done' };
  try {
    extractChunks(run);
  } catch (err) {
    outcome = failureReport(err, run);
    // The others stop too, without waiting for the main thread to hear of it.
    if (outcome.kind === 'failed') Atomics.store(control, Control.stop, 1);
  } finally {
    Atomics.sub(control, Control.active, 1);
    Atomics.notify(control, Control.active);
  }
  parentPort!.postMessage(outcome);
  parentPort!.close();
});
