// One HTTP exchange, redirects included: only https URLs unless ENROOT_ALLOW_HTTP, and the Authorization
// header only ever goes to the origin it was issued for (blob storage behind a redirect never sees it).
import { request, type Dispatcher } from 'undici';
import { EnrootError } from '../errors.js';
import { networkFailure, TransferError } from './transfer-error.js';
import type { Transport } from './transport.js';

export type ResponseHeaders = Dispatcher.ResponseData['headers'];

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Payload Too Large',
  414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 417: 'Expectation Failed',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export interface HttpRequest {
  method: 'GET' | 'HEAD';
  url: URL;
  headers?: Record<string, string>;
  /** An Authorization header value, sent only to URLs of `origin`. */
  authorization?: { origin: string; value: string };
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: Dispatcher.ResponseData['body'];
  /** The URL that answered, after redirects. */
  url: URL;
}

/** Every value of a response header, whether it came once or repeated. */
export function headerValues(headers: ResponseHeaders, name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** `URL <url> returned error code: <code> <reason>`, as the reference words it, plus the registry's own explanation. */
export function statusMessage(response: Pick<HttpResponse, 'status' | 'url'>, explanation?: string): string {
  const reason = REASONS[response.status] ?? '';
  const suffix = explanation !== undefined && explanation !== '' ? ` (${explanation})` : '';
  return `URL ${response.url.href} returned error code: ${response.status}${reason === '' ? '' : ` ${reason}`}${suffix}`;
}

/** The error for an unexpected status; transient for 408, 429 and 5xx, which may succeed when retried. */
export function statusError(response: HttpResponse, explanation?: string): TransferError {
  const transient = response.status === 408 || response.status === 429 || response.status >= 500;
  const retryAfter = Number(headerValues(response.headers, 'retry-after')[0]);
  return new TransferError(statusMessage(response, explanation), transient, Number.isFinite(retryAfter) ? retryAfter : undefined);
}

export class HttpClient {
  constructor(
    private readonly transport: Transport,
    private readonly allowHttp: boolean,
  ) {}

  /** Rejects URLs whose scheme the settings do not allow. */
  checkProtocol(url: URL, what: string): void {
    if (url.protocol === 'https:' || (url.protocol === 'http:' && this.allowHttp)) return;
    if (url.protocol === 'http:') {
      throw new EnrootError(`${what} uses plain HTTP (${url.origin}): set ENROOT_ALLOW_HTTP=y to allow unencrypted connections`);
    }
    throw new EnrootError(`${what} uses the unsupported URL scheme ${url.protocol} (${url.origin})`);
  }

  /** The error for a failure while reading the body of a response from `url`. */
  failure(err: unknown, url: URL): TransferError {
    return networkFailure(err, url.host, this.transport.options.timeouts);
  }

  /** Sends a request and follows redirects; the caller reads or dumps the body and judges the status. */
  async send(call: HttpRequest): Promise<HttpResponse> {
    let url = call.url;
    let method = call.method;
    for (let hop = 0; ; hop += 1) {
      this.checkProtocol(url, hop === 0 ? `The request to ${url.host}` : `A redirect from ${call.url.host}`);
      const headers: Record<string, string> = { ...call.headers };
      if (call.authorization !== undefined && url.origin === call.authorization.origin) headers.authorization = call.authorization.value;
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, { method, headers, dispatcher: this.transport.dispatcherFor(url), signal: call.signal });
      } catch (err) {
        throw this.failure(err, url);
      }
      const location = headerValues(response.headers, 'location')[0];
      if (!REDIRECT_STATUSES.has(response.statusCode) || location === undefined) {
        return { status: response.statusCode, headers: response.headers, body: response.body, url };
      }
      await response.body.dump();
      if (hop >= MAX_REDIRECTS) throw new EnrootError(`Too many redirects from ${call.url.href}`);
      url = new URL(location, url);
      if (response.statusCode === 303) method = method === 'HEAD' ? 'HEAD' : 'GET';
    }
  }
}
