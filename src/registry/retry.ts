// Retries of transient failures with exponential backoff (1 s, 2 s, 4 s, ... at most 10 s), waiting
// longer when a server says so with Retry-After (at most 60 s).
import { setTimeout as sleep } from 'node:timers/promises';
import { TransferError } from './transfer-error.js';

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;
const MAX_RETRY_AFTER_MS = 60_000;

export interface RetryOptions {
  retries: number;
  signal?: AbortSignal;
  /** Test hook: the base delay. */
  firstDelayMs?: number;
}

/** Runs `attempt` (given its 0-based number) until it succeeds, fails permanently, or the retries are spent. */
export async function withRetries<T>(options: RetryOptions, attempt: (attempt: number) => Promise<T>): Promise<T> {
  for (let number = 0; ; number += 1) {
    try {
      return await attempt(number);
    } catch (err) {
      const transient = err instanceof TransferError && err.transient;
      if (!transient || number >= options.retries || options.signal?.aborted === true) throw err;
      const backoff = Math.min(MAX_DELAY_MS, (options.firstDelayMs ?? FIRST_DELAY_MS) * 2 ** number);
      const asked = err.retryAfterSeconds !== undefined ? Math.min(MAX_RETRY_AFTER_MS, err.retryAfterSeconds * 1000) : 0;
      await sleep(Math.max(backoff, asked), undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }
}
