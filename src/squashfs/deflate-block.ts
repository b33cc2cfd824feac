// One block as a zlib stream, in one call: the output buffer is large enough for a single pass.
import { deflateSync } from 'node:zlib';

export function deflateBlock(data: Uint8Array, level: number): Buffer {
  return deflateSync(data, { level, chunkSize: Math.max(1024, data.length + (data.length >> 4) + 64) });
}
