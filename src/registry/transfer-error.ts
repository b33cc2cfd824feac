// Failures of a single HTTP exchange, turned into user-facing errors that say whether trying again may help.
import { EnrootError } from '../errors.js';

/** A failed exchange. `transient` failures (timeouts, resets, 408/429/5xx) are worth retrying. */
export class TransferError extends EnrootError {
  constructor(
    message: string,
    readonly transient: boolean,
    /** Seconds the server asked us to wait (Retry-After), if it did. */
    readonly retryAfterSeconds?: number,
    /** The underlying error, kept for classification (never shown). */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TransferError';
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_CLOSED',
]);

const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME_INVALID/;

/** The most specific error code of an error: that of its innermost cause that has one. */
export function errorCode(err: unknown): string | undefined {
  let code: string | undefined;
  for (let current = err; current instanceof Error; current = current.cause) {
    const own = (current as NodeJS.ErrnoException).code;
    if (typeof own === 'string') code = own;
  }
  return code;
}

/** True for errors that mean the server does not speak TLS at all (so plain HTTP may work). */
export function isTlsProtocolMismatch(err: unknown): boolean {
  const code = errorCode(err) ?? '';
  return code.startsWith('ERR_SSL_') || code === 'EPROTO' || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}

export interface Timeouts {
  connectSeconds: number;
  transferSeconds: number;
}

/** Turns an error thrown while talking to `host` into a TransferError with a message naming the cause and the fix. */
export function networkFailure(err: unknown, host: string, timeouts: Timeouts): TransferError {
  if (err instanceof TransferError) return err;
  const code = errorCode(err) ?? 'error';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TransferError(`Connection to ${host} timed out after ${timeouts.connectSeconds} s: check the address and proxy settings, or raise ENROOT_CONNECT_TIMEOUT`, true, undefined, err);
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new TransferError(`Transfer from ${host} stalled for ${timeouts.transferSeconds} s: raise ENROOT_TRANSFER_TIMEOUT or ENROOT_TRANSFER_RETRIES`, true, undefined, err);
  }
  if (CERTIFICATE_CODES.test(code)) {
    return new TransferError(`The TLS certificate of ${host} is not trusted (${code}): set SSL_CERT_FILE or SSL_CERT_DIR to include its CA certificate`, false, undefined, err);
  }
  if (code === 'ENOTFOUND') return new TransferError(`Unknown host ${host}: check the registry name`, false, undefined, err);
  if (code === 'ECONNREFUSED') return new TransferError(`Connection to ${host} refused: check the registry address and port`, true, undefined, err);
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO') {
    return new TransferError(`TLS connection to ${host} failed (${code}): if it serves plain HTTP, set ENROOT_ALLOW_HTTP=y`, false, undefined, err);
  }
  const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new TransferError(`Transfer from ${host} failed (${code}): ${detail}`, TRANSIENT_CODES.has(code), undefined, err);
}
