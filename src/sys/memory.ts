// Keeping glibc's heap from holding on to memory that was freed. An import streams gigabytes through
// short-lived buffers (inflated layer data, on the main thread and libuv's pool); glibc keeps freed chunks
// in its arenas and returns only the top of each heap, so resident memory grows with the churn rather than
// with what is live. bench/import, warm, after the move from a gunzip worker to libuv's pool: peak RSS
// 271-287 MB as it is; 240-246 MB with a malloc_trim(0) every 250 ms; 221-222 MB with one arena and a trim
// every 100 ms (chosen), for 6.6 s instead of 6.2 s.
import { native } from './libc.js';

const M_ARENA_MAX = -8;
const TRIM_INTERVAL_MS = 100;

/** Limits glibc to one arena and returns freed memory to the system periodically, for the process's life. */
export function returnFreedMemoryPeriodically(): void {
  native.mallopt(M_ARENA_MAX, 1);
  setInterval(() => native.mallocTrim(0), TRIM_INTERVAL_MS).unref();
}
