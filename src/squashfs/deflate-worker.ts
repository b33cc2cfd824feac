// Worker thread body for the deflate pool: compresses one block per message.
import { parentPort } from 'node:worker_threads';
import { deflateBlock } from './deflate-block.js';

export interface DeflateRequest {
  id: number;
  data: Uint8Array;
  level: number;
}

export interface DeflateReply {
  id: number;
  compressed?: Uint8Array;
  error?: string;
}

parentPort?.on('message', ({ id, data, level }: DeflateRequest) => {
  let reply: DeflateReply;
  try {
    reply = { id, compressed: deflateBlock(data, level) };
  } catch (err) {
    reply = { id, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
