// A cheap test for data that deflate cannot shrink (already compressed or encrypted), so that it is not
// compressed in vain: for such data level-9 deflate spends milliseconds per block to end up storing it raw.

const SAMPLE_BYTES = 4096;
const MIN_BYTES = 1024;
/** Bits per byte above which a sample counts as random; text is near 4.5, machine code near 6. */
const RANDOM_BITS_PER_BYTE = 7.6;

const counts = new Uint32Array(256);

/** True when the first few KiB of `data` look like random bytes (Shannon entropy of the byte values). */
export function looksIncompressible(data: Uint8Array): boolean {
  if (data.length < MIN_BYTES) return false;
  const n = Math.min(data.length, SAMPLE_BYTES);
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[data[i]!]! += 1;
  let bits = 0;
  for (let value = 0; value < 256; value++) {
    const count = counts[value]!;
    if (count > 0) bits -= count * Math.log2(count / n);
  }
  return bits / n > RANDOM_BITS_PER_BYTE;
}
