// Reading whole (small) response bodies with a size limit, and the explanation registries put in error bodies.
import { EnrootError } from '../errors.js';
import type { HttpResponse } from './http-client.js';

/** The body of a response, at most `limit` bytes (a larger one is an error naming `what`). */
export async function readBody(response: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response.body) {
    length += (chunk as Buffer).length;
    if (length > limit) {
      response.body.destroy();
      throw new EnrootError(`${what} is larger than ${limit} bytes: refusing to read it`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const ERROR_BODY_LIMIT = 64 * 1024;
const EXPLANATION_LENGTH = 200;

/** `CODE: message` from a registry error body (`{"errors":[{"code":...,"message":...}]}`), if it has one. */
export async function registryExplanation(response: HttpResponse): Promise<string | undefined> {
  let text: string;
  try {
    text = (await readBody(response, ERROR_BODY_LIMIT, 'error body')).toString('utf8');
  } catch {
    return undefined;
  }
  try {
    const first = (JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] }).errors?.[0];
    if (first === undefined) return undefined;
    const parts = [first.code, first.message].filter((part): part is string => typeof part === 'string' && part !== '');
    return parts.length > 0 ? parts.join(': ').slice(0, EXPLANATION_LENGTH) : undefined;
  } catch {
    return undefined;
  }
}
