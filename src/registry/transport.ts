// The connection pools behind every request: one direct agent and one agent per proxy, all sharing the
// TLS trust, the connect timeout, the stall timeout and the connection limit from the settings.
import tls from 'node:tls';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { EnrootError } from '../errors.js';
import type { Settings } from '../config/settings.js';
import { proxyFor, proxySettings, redactProxy, type ProxySettings } from './proxy.js';
import { trustedCertificates } from './tls-trust.js';
import type { Timeouts } from './transfer-error.js';

export interface TransportOptions {
  /** PEM certificates to trust. */
  certificates: string[];
  timeouts: Timeouts;
  /** Connections per host; 0 = unlimited. */
  maxConnections: number;
  proxies: ProxySettings;
}

export function transportOptions(settings: Settings): TransportOptions {
  return {
    certificates: trustedCertificates(settings),
    timeouts: {
      connectSeconds: settings.integer('ENROOT_CONNECT_TIMEOUT'),
      transferSeconds: settings.integer('ENROOT_TRANSFER_TIMEOUT'),
    },
    maxConnections: settings.integer('ENROOT_MAX_CONNECTIONS'),
    proxies: proxySettings(settings),
  };
}

export class Transport {
  private direct: Agent | undefined;
  private readonly proxied = new Map<string, ProxyAgent>();
  private readonly secureContext: tls.SecureContext;

  constructor(readonly options: TransportOptions) {
    this.secureContext = tls.createSecureContext({ ca: options.certificates });
  }

  /** The dispatcher for a URL: direct, or through the proxy the settings name for it. */
  dispatcherFor(url: URL): Dispatcher {
    const proxy = proxyFor(url, this.options.proxies);
    if (proxy === undefined) return (this.direct ??= new Agent(this.agentOptions()));
    let agent = this.proxied.get(proxy);
    if (agent === undefined) {
      const uri = proxy.includes('://') ? proxy : `http://${proxy}`;
      try {
        agent = new ProxyAgent({ ...this.agentOptions(), uri, requestTls: this.connectOptions(), proxyTls: this.connectOptions() });
      } catch {
        throw new EnrootError(`Invalid proxy ${redactProxy(uri)}: set http_proxy/https_proxy/all_proxy to a URL like http://proxy.example.com:3128`);
      }
      this.proxied.set(proxy, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    await Promise.all([this.direct?.close(), ...[...this.proxied.values()].map((agent) => agent.close())]);
  }

  private connectOptions(): { secureContext: tls.SecureContext; timeout: number } {
    return { secureContext: this.secureContext, timeout: this.options.timeouts.connectSeconds * 1000 };
  }

  private agentOptions(): Agent.Options {
    const stallMs = this.options.timeouts.transferSeconds * 1000;
    return {
      connect: this.connectOptions(),
      // A transfer that receives nothing for this long has stalled; a long but moving transfer is fine.
      headersTimeout: stallMs,
      bodyTimeout: stallMs,
      ...(this.options.maxConnections > 0 ? { connections: this.options.maxConnections } : {}),
    };
  }
}
