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

/** Runs `work` with a session for the reference's repository, then closes its connections. */
export async function withRegistrySession<T>(
  reference: DockerReference,
  settings: Settings,
  log: Logger,
  work: (session: RegistrySession) => Promise<T>,
): Promise<T> {
  const options = transportOptions(settings);
  const retries = settings.integer('ENROOT_TRANSFER_RETRIES');
  const allowHttp = settings.flag('ENROOT_ALLOW_HTTP');
  const credentials = CredentialStore.load(settings);
  const transport = new Transport(options);
  try {
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
    return await work({ repository, retries, maxConnections: options.maxConnections });
  } finally {
    await transport.close();
  }
}
