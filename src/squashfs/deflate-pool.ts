// zlib compression on a pool of worker threads. Node's async zlib runs on the thread pool too, but costs
// the main thread a stream object, its glue and garbage per block; a worker does the block in one call and
// the main thread only copies the block over and the result back.
import { Worker } from 'node:worker_threads';
import { deflateBlock } from './deflate-block.js';
import type { DeflateReply, DeflateRequest } from './deflate-worker.js';

interface Job {
  request: DeflateRequest;
  resolve: (compressed: Buffer) => void;
  reject: (err: Error) => void;
}

/** Jobs go to whichever worker is free, in order, so one slow block does not hold up the others. */
export class DeflatePool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queued: Job[] = [];
  private readonly running = new Map<Worker, Job>();
  private nextId = 0;

  constructor(
    private readonly size: number,
    private readonly level: number,
  ) {}

  compress(data: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.queued.push({ request: { id: this.nextId++, data, level: this.level }, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Compress the most recently queued block on this thread, for a caller that would otherwise only wait;
   * false when no more are queued than the workers take next (taking those would leave a worker idle).
   */
  compressOneHere(): boolean {
    if (this.queued.length <= this.size) return false;
    const job = this.queued.pop()!;
    try {
      job.resolve(deflateBlock(job.request.data, job.request.level));
    } catch (err) {
      job.reject(err as Error);
    }
    return true;
  }

  /** Stop the workers; compressions not finished fail. */
  async close(): Promise<void> {
    const stopped = new Error('squashfs compression stopped');
    for (const job of [...this.queued.splice(0), ...this.running.values()]) job.reject(stopped);
    this.running.clear();
    this.idle.length = 0;
    await Promise.all(this.all.splice(0).map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queued.length > 0) {
      const worker = this.idle.pop() ?? (this.all.length < this.size ? this.start() : undefined);
      if (worker === undefined) return;
      const job = this.queued.shift()!;
      this.running.set(worker, job);
      worker.postMessage(job.request);
    }
  }

  private start(): Worker {
    const worker = new Worker(new URL('./deflate-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (reply: DeflateReply) => {
      const job = this.running.get(worker);
      this.running.delete(worker);
      this.idle.push(worker);
      if (job !== undefined && job.request.id === reply.id) {
        if (reply.compressed) job.resolve(Buffer.from(reply.compressed.buffer, reply.compressed.byteOffset, reply.compressed.byteLength));
        else job.reject(new Error(`squashfs compression failed: ${reply.error}`));
      }
      this.dispatch();
    });
    worker.on('error', (err) => {
      this.running.get(worker)?.reject(err);
      this.running.delete(worker);
      this.all.splice(this.all.indexOf(worker), 1);
      this.dispatch();
    });
    this.all.push(worker);
    return worker;
  }
}
