// Requests to one repository of one registry: manifests and blobs, authorized and re-authorized as
// the registry demands. The registry is spoken to over https; with ENROOT_ALLOW_HTTP it falls back to
// plain http when the first connection finds no TLS there (or nothing listening on the https port).
import { EnrootError, errorText } from '../errors.js';
import type { Logger } from '../log/log.js';
import { sha256Digest } from '../cache/digest.js';
import type { DockerReference } from '../reference/docker-uri.js';
import type { RegistryAuthenticator } from './authenticator.js';
import { headerValues, statusError, statusMessage, type HttpClient, type HttpResponse } from './http-client.js';
import { MANIFEST_ACCEPT, type Descriptor } from './manifest.js';
import { readBody, registryExplanation } from './response-body.js';
import { withRetries } from './retry.js';
import { isTlsProtocolMismatch } from './transfer-error.js';

/** Manifests larger than this are refused (the OCI distribution spec suggests registries accept at least 4 MB). */
const MANIFEST_LIMIT = 4 * 1024 * 1024;

export interface FetchedManifest {
  bytes: Buffer;
  contentType?: string;
  /** `sha256:<hex>` of the bytes. */
  digest: string;
}

export interface RepositoryOptions {
  reference: DockerReference;
  http: HttpClient;
  authenticator: RegistryAuthenticator;
  allowHttp: boolean;
  retries: number;
  log: Logger;
}

export class RegistryRepository {
  private origin: string;
  private schemeSettled = false;
  private queried = false;

  constructor(private readonly options: RepositoryOptions) {
    this.origin = `https://${options.reference.registry}`;
  }

  get registry(): string {
    return this.options.reference.registry;
  }

  /** A manifest by tag or digest; `where` describes it in messages. */
  fetchManifest(tagOrDigest: string, where: string): Promise<FetchedManifest> {
    const path = `/v2/${this.options.reference.repository}/manifests/${tagOrDigest}`;
    return withRetries({ retries: this.options.retries }, async () => {
      const response = await this.authorizedGet(path, { accept: MANIFEST_ACCEPT });
      if (response.status === 200) {
        const bytes = await readBody(response, MANIFEST_LIMIT, `The manifest of ${where}`);
        const contentType = headerValues(response.headers, 'content-type')[0];
        return { bytes, digest: sha256Digest(bytes), ...(contentType === undefined ? {} : { contentType }) };
      }
      const explanation = await registryExplanation(response);
      if (response.status === 404) throw new EnrootError(`Image not found: ${where} (${statusMessage(response, explanation)})`);
      throw statusError(response, explanation);
    });
  }

  /**
   * A blob, from byte `offset` on (HTTP Range) when that is not 0: the answer is 200 (the whole blob; the
   * registry ignored the range) or 206 (the rest). A foreign layer the registry lacks is fetched from its URLs.
   */
  async fetchBlob(descriptor: Descriptor, offset: number, signal: AbortSignal): Promise<HttpResponse> {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const response = await this.authorizedGet(`/v2/${this.options.reference.repository}/blobs/${descriptor.digest}`, headers, signal);
    if (response.status === 200 || response.status === 206) return response;
    if (response.status === 404 && descriptor.urls !== undefined && descriptor.urls.length > 0) {
      await response.body.dump();
      return this.fetchForeignBlob(descriptor.urls, headers, signal);
    }
    throw statusError(response, await registryExplanation(response));
  }

  /** The error for a network failure while reading a response body. */
  failure(err: unknown, response: HttpResponse): Error {
    return this.options.http.failure(err, response.url);
  }

  private async fetchForeignBlob(urls: string[], headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse> {
    let lastError: Error = new EnrootError('no URL');
    for (const text of urls) {
      try {
        const response = await this.options.http.send({ method: 'GET', url: new URL(text), headers, signal });
        if (response.status === 200 || response.status === 206) return response;
        await response.body.dump();
        lastError = statusError(response);
      } catch (err) {
        lastError = err instanceof EnrootError ? err : new EnrootError(`Could not fetch a foreign layer from ${text}: ${errorText(err)}`);
      }
    }
    throw lastError;
  }

  /** GET with the current authorization; a 401 renews it once (a token may have expired meanwhile). */
  private async authorizedGet(path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpResponse> {
    const { authenticator, log } = this.options;
    if (!this.queried) log.info('Querying registry for permission grant');
    let renewed = false;
    for (;;) {
      const used = authenticator.current();
      const response = await this.send(path, headers, used, signal);
      if (!this.queried) {
        this.queried = true;
        if (response.status !== 401) log.info('Permission granted');
      }
      if (response.status !== 401) return response;
      await response.body.dump();
      if (renewed) throw authenticator.refused();
      await authenticator.renew(response, used);
      renewed = true;
    }
  }

  private async send(path: string, headers: Record<string, string>, authorization: string | undefined, signal?: AbortSignal): Promise<HttpResponse> {
    const url = new URL(path, this.origin);
    try {
      const response = await this.options.http.send({
        method: 'GET',
        url,
        headers,
        ...(authorization === undefined ? {} : { authorization: { origin: this.origin, value: authorization } }),
        ...(signal === undefined ? {} : { signal }),
      });
      this.schemeSettled = true;
      return response;
    } catch (err) {
      if (this.schemeSettled || !this.options.allowHttp || url.protocol !== 'https:' || !isTlsProtocolMismatch(err)) throw err;
      this.schemeSettled = true;
      this.origin = `http://${this.options.reference.registry}`;
      return this.send(path, headers, authorization, signal);
    }
  }
}
