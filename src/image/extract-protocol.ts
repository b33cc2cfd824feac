// What the extractor's main thread and its worker threads say to each other. Besides messages they share
// a few counters: the next chunk to take, a stop request, and how many workers are still writing, which
// the main thread waits on synchronously when a signal arrives (see extract-workers.ts).
import type { Extractor } from './extract-modes.js';
import type { SharedDirectories, SharedLeaves } from './extract-plan.js';

export const Control = {
  /** Index of the next chunk a worker takes. */
  nextChunk: 0,
  /** Set to 1 to make every worker stop after the entry it is writing. */
  stop: 1,
  /** Workers that have not finished yet. */
  active: 2,
} as const;
export const CONTROL_WORDS = 3;

export interface WorkerStart {
  control: SharedArrayBuffer;
}

/** The one message a worker gets: everything it needs to take chunks until none are left. */
export interface WorkerRun {
  imagePath: string;
  /** The decoded inode and directory tables (the leaves' names are in the latter). */
  inodes: SharedArrayBuffer;
  names: SharedArrayBuffer;
  leaves: SharedLeaves;
  firstLink: Uint32Array;
  links: Uint32Array;
  order: Uint32Array;
  idle: Uint32Array;
  directories: SharedDirectories;
  /** See ExtractPlan. */
  chunks: Uint32Array;
  /** The staging directory: a handle, and its path for messages. */
  rootFd: number;
  rootPath: string;
  extractor: Extractor;
}

/** `invalidImage`: the message is the reason the image is invalid; otherwise the whole message. */
export interface WorkerFailure {
  kind: 'failed';
  message: string;
  invalidImage: boolean;
}

export type WorkerReport = { kind: 'progress'; bytes: number } | { kind: 'done' } | { kind: 'stopped' } | WorkerFailure;
