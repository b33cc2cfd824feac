// Authorization for one registry repository. It starts anonymous; each 401 answer carries a challenge
// that says how to authenticate (Bearer: ask the token service named by `realm`; Basic: send the
// credentials). Tokens live in this object only: never on disk, never in a message. A token that expires
// during a long pull gets a 401 like the first request did and is renewed the same way; concurrent requests
// that hit the same expiry share one renewal.
import { EnrootError } from '../errors.js';
import type { Logger } from '../log/log.js';
import { DOCKER_HUB_REGISTRY, type UserInfo } from '../reference/docker-uri.js';
import { parseChallenges, type Challenge } from './challenge.js';
import { hostNames, type CredentialStore, type ResolvedCredentials } from './credentials.js';
import { headerValues, statusError, type HttpClient, type HttpResponse } from './http-client.js';
import { withRetries } from './retry.js';
import { readBody } from './response-body.js';

const DOCKER_HUB_NAMES = [DOCKER_HUB_REGISTRY, 'index.docker.io', 'docker.io'];
const CHALLENGE_ONLY_PARAMS = new Set(['realm', 'error', 'error_description', 'error_uri']);
const TOKEN_REPLY_LIMIT = 1 << 20;

export interface AuthenticatorOptions {
  registry: string;
  repository: string;
  user?: UserInfo;
  credentials: CredentialStore;
  http: HttpClient;
  retries: number;
  log: Logger;
}

type CredentialOrigin = 'anonymous' | 'file' | 'reference';

export class RegistryAuthenticator {
  private authorization: string | undefined;
  private renewal: Promise<void> | undefined;
  private credentialOrigin: CredentialOrigin = 'anonymous';
  private announced = false;

  constructor(private readonly options: AuthenticatorOptions) {}

  /** The Authorization header value to send to the registry, if any. */
  current(): string | undefined {
    return this.authorization;
  }

  /**
   * Obtains new authorization after `response` (a 401) answered a request sent with `used`. When another
   * request renewed it meanwhile, there is nothing to do.
   */
  async renew(response: HttpResponse, used: string | undefined): Promise<void> {
    if (this.authorization !== used) return;
    this.renewal ??= this.obtain(response).finally(() => {
      this.renewal = undefined;
    });
    await this.renewal;
  }

  /** The error for a request that is still refused after authenticating. */
  refused(): EnrootError {
    const { registry } = this.options;
    if (this.credentialOrigin === 'file') {
      return new EnrootError(`Authentication failed for ${registry}: check the credentials for that host in ${this.options.credentials.file}`);
    }
    if (this.credentialOrigin === 'reference') {
      return new EnrootError(`Authentication failed for ${registry}: the user name and password in the image reference were rejected`);
    }
    const host = hostNames(registry).at(-1) as string;
    return new EnrootError(
      `Authentication required for ${registry}: add "machine ${host} login USER password PASSWORD" to ${this.options.credentials.file}`,
    );
  }

  private async obtain(response: HttpResponse): Promise<void> {
    const challenges = parseChallenges(headerValues(response.headers, 'www-authenticate'));
    const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (challenge === undefined) {
      if (challenges.length === 0) {
        throw new EnrootError(`Could not parse authentication realm from ${response.url.href}: the registry asked for authentication without a WWW-Authenticate challenge`);
      }
      throw new EnrootError(`Unsupported authentication method ${challenges[0]?.scheme ?? ''} requested by ${this.options.registry}`);
    }
    const first = !this.announced;
    this.authorization = challenge.scheme === 'bearer' ? await this.bearer(challenge, response) : await this.basic();
    if (first) this.options.log.info('Authentication succeeded');
  }

  private async basic(): Promise<string> {
    const credentials = await this.credentialsFor([]);
    if (credentials === undefined) throw this.refused();
    return basicAuthorization(credentials);
  }

  private async bearer(challenge: Challenge, response: HttpResponse): Promise<string> {
    const realm = challenge.params.get('realm');
    let url: URL;
    try {
      url = new URL(realm ?? '');
    } catch {
      throw new EnrootError(`Could not parse authentication realm from ${response.url.href}`);
    }
    this.options.http.checkProtocol(url, `The token service of ${this.options.registry}`);
    for (const [name, value] of challenge.params) if (!CHALLENGE_ONLY_PARAMS.has(name)) url.searchParams.set(name, value);
    if (!url.searchParams.has('scope')) url.searchParams.set('scope', `repository:${this.options.repository}:pull`);
    const credentials = await this.credentialsFor(hostNames(url.host));
    const authorization = credentials === undefined ? undefined : { origin: url.origin, value: basicAuthorization(credentials) };
    const text = await withRetries({ retries: this.options.retries }, async () => {
      const reply = await this.options.http.send({ method: 'GET', url, ...(authorization ? { authorization } : {}) });
      if (reply.status === 401 || reply.status === 403) {
        await reply.body.dump();
        throw this.refused();
      }
      if (reply.status !== 200) {
        await reply.body.dump();
        throw statusError({ ...reply, url: new URL(url.origin + url.pathname) });
      }
      return (await readBody(reply, TOKEN_REPLY_LIMIT, `the token service reply of ${this.options.registry}`)).toString('utf8');
    });
    let token: unknown;
    try {
      const json = JSON.parse(text) as { token?: unknown; access_token?: unknown };
      token = json.token ?? json.access_token;
    } catch {
      throw new EnrootError(`Could not process JSON input: the token service of ${this.options.registry} (${url.origin}) did not answer with JSON`);
    }
    if (typeof token !== 'string' || token === '') {
      throw new EnrootError(`The token service of ${this.options.registry} (${url.origin}) answered without a token`);
    }
    return `Bearer ${token}`;
  }

  /**
   * The credentials for a request to one of `hosts` (the token service) or to the registry: from the
   * image reference, else from the credentials file (the service's own entry first, then the registry's,
   * so one entry per registry is enough), else none (anonymous).
   */
  private async credentialsFor(hosts: readonly string[]): Promise<ResolvedCredentials | undefined> {
    const { user, credentials, registry, log } = this.options;
    const announce = (login: string) => {
      if (this.announced) return;
      this.announced = true;
      log.info(`Authenticating with user: ${login}`);
    };
    if (user?.password !== undefined) {
      announce(user.login);
      this.credentialOrigin = 'reference';
      return { login: user.login, password: user.password };
    }
    const registryHosts = registry === DOCKER_HUB_REGISTRY ? DOCKER_HUB_NAMES : hostNames(registry);
    const entry = credentials.find([...hosts, ...registryHosts], user?.login);
    if (entry === undefined) {
      if (user !== undefined) {
        throw new EnrootError(
          `No password for user ${user.login} at ${registry}: add "machine ${hostNames(registry).at(-1) as string} login ${user.login} password PASSWORD" to ${credentials.file}`,
        );
      }
      announce('<anonymous>');
      return undefined;
    }
    if (!this.announced) {
      announce(entry.login as string);
      log.info(`Using credentials from file: ${credentials.file}`);
    }
    this.credentialOrigin = 'file';
    return credentials.resolve(entry);
  }
}

function basicAuthorization(credentials: ResolvedCredentials): string {
  return `Basic ${Buffer.from(`${credentials.login}:${credentials.password}`).toString('base64')}`;
}
