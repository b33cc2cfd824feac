// Keeping glibc's heap from holding on to memory that was freed. An import streams gigabytes through
// short-lived buffers allocated on several threads (the gunzip worker allocates, the main thread frees);
// glibc keeps such freed chunks in per-thread arenas and returns only the top of each heap, so resident
// memory grows with the churn rather than with what is live. One arena and a malloc_trim(0) every 100 ms
// (which also releases free pages inside the heap) took bench/import's peak RSS from about 255-290 MB to
// about 222-228 MB for less than 5% more CPU.
import { native } from './libc.js';

const M_ARENA_MAX = -8;
const TRIM_INTERVAL_MS = 100;

/** Limits glibc to one arena and returns freed memory to the system periodically, for the process's life. */
export function returnFreedMemoryPeriodically(): void {
  native.mallopt(M_ARENA_MAX, 1);
  setInterval(() => native.mallocTrim(0), TRIM_INTERVAL_MS).unref();
}
