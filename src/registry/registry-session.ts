// Everything one command needs to talk to one registry repository, built from the settings, and closed
// (connections released) when the work is done.
import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/log.js';
import type { DockerReference } from '../reference/docker-uri.js';
import { RegistryAuthenticator } from './authenticator.js';
import { CredentialStore } from './credentials.js';
import { HttpClient } from './http-client.js';
import { RegistryRepository } from './registry-repository.js';
import { Transport, transportOptions } from './transport.js';

export interface RegistrySession {
  repository: RegistryRepository;
  retries: number;
  maxConnections: number;
}

/** A session that stays open until `close`: for work that outlives one call (downloads beside a merge). */
export interface OpenRegistrySession extends RegistrySession {
  close(): Promise<void>;
}

/** A session for the reference's repository; close it to release its connections. */
export function openRegistrySession(reference: DockerReference, settings: Settings, log: Logger): OpenRegistrySession {
  const options = transportOptions(settings);
  const retries = settings.integer('ENROOT_TRANSFER_RETRIES');
  const allowHttp = settings.flag('ENROOT_ALLOW_HTTP');
  const credentials = CredentialStore.load(settings);
  const transport = new Transport(options);
  const http = new HttpClient(transport, allowHttp);
  const authenticator = new RegistryAuthenticator({
    registry: reference.registry,
    repository: reference.repository,
    ...(reference.user === undefined ? {} : { user: reference.user }),
    credentials,
    http,
    retries,
    log,
  });
  const repository = new RegistryRepository({ reference, http, authenticator, allowHttp, retries, log });
  return { repository, retries, maxConnections: options.maxConnections, close: () => transport.close() };
}

/** Runs `work` with a session for the reference's repository, then closes its connections. */
export async function withRegistrySession<T>(
  reference: DockerReference,
  settings: Settings,
  log: Logger,
  work: (session: RegistrySession) => Promise<T>,
): Promise<T> {
  const session = openRegistrySession(reference, settings, log);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
