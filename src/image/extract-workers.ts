// The extractor's worker threads: started first, so that they load while the main thread reads the image,
// then given the plan (in shared memory) all at once. They take chunks from a shared counter, so the
// costliest chunks (taken first) and the rest spread evenly whatever the tree looks like.
//
// On SIGINT or SIGTERM the workers are stopped before the staging directory is removed (the listener
// is prepended, so it runs before StagedDirectory's): the main thread raises the stop flag and waits,
// blocking, until each worker has finished the entry it is writing.
import { Worker } from 'node:worker_threads';
import { EnrootError } from '../errors.js';
import { invalidImage } from '../squashfs/reader/index.js';
import { CONTROL_WORDS, Control, type WorkerFailure, type WorkerReport, type WorkerRun, type WorkerStart } from './extract-protocol.js';

/** The longest a signal waits for the workers to finish their current entries. */
const STOP_WAIT_MS = 2000;

type Outcome = WorkerFailure | { kind: 'done' | 'stopped' };

export class ExtractWorkers {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  private readonly workers: Worker[] = [];

  constructor(count: number) {
    const start: WorkerStart = { control: this.control.buffer as SharedArrayBuffer };
    for (let i = 0; i < count; i++) this.workers.push(new Worker(new URL('./extract-worker.js', import.meta.url), { workerData: start }));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs every chunk of `run`; `progress` gets bytes written as they add up. Fails with the first failure. */
  async run(run: WorkerRun, imagePath: string, progress: (bytes: number) => void): Promise<void> {
    Atomics.store(this.control, Control.active, this.workers.length);
    const stopOnSignal = (): void => {
      this.stopAndWait();
      process.off('SIGINT', stopOnSignal);
      process.off('SIGTERM', stopOnSignal);
    };
    process.prependListener('SIGINT', stopOnSignal);
    process.prependListener('SIGTERM', stopOnSignal);
    let outcomes: Outcome[];
    try {
      outcomes = await Promise.all(this.workers.map((worker) => this.outcomeOf(worker, run, progress)));
    } finally {
      process.off('SIGINT', stopOnSignal);
      process.off('SIGTERM', stopOnSignal);
    }
    const failed = outcomes.find((outcome): outcome is WorkerFailure => outcome.kind === 'failed');
    if (failed !== undefined) throw failed.invalidImage ? invalidImage(imagePath, failed.message) : new EnrootError(failed.message);
    if (outcomes.some((outcome) => outcome.kind === 'stopped')) throw new EnrootError(`Extraction of ${imagePath} interrupted`);
  }

  /** Asks every worker to stop and waits (blocking, at most STOP_WAIT_MS) until none is writing. */
  stopAndWait(): void {
    Atomics.store(this.control, Control.stop, 1);
    const deadline = Date.now() + STOP_WAIT_MS;
    for (let active = Atomics.load(this.control, Control.active); active > 0; active = Atomics.load(this.control, Control.active)) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      Atomics.wait(this.control, Control.active, active, left);
    }
  }

  /** Stops and ends every worker. */
  async close(): Promise<void> {
    Atomics.store(this.control, Control.stop, 1);
    await Promise.all(this.workers.splice(0).map((worker) => worker.terminate()));
  }

  /** Starts `worker` on `run`; settles with how it ended. A failure makes the other workers stop. */
  private outcomeOf(worker: Worker, run: WorkerRun, progress: (bytes: number) => void): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        if (outcome.kind === 'failed') Atomics.store(this.control, Control.stop, 1);
        resolve(outcome);
      };
      worker.on('message', (report: WorkerReport) => {
        if (report.kind === 'progress') progress(report.bytes);
        else settle(report);
      });
      worker.on('error', (err) => settle({ kind: 'failed', message: `An extraction thread failed: ${err.message}`, invalidImage: false }));
      worker.on('exit', () => settle({ kind: 'failed', message: 'An extraction thread ended early', invalidImage: false }));
      worker.postMessage(run);
    });
  }
}
