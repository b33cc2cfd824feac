// Proxy selection as curl does it: `https_proxy` for https URLs, `http_proxy` for http URLs, `all_proxy`
// for both, and `no_proxy` exceptions. The lowercase names may come from enroot.conf; uppercase ones from
// the environment (HTTP_PROXY is ignored, as curl does, because CGI servers set it from a request header).
import net from 'node:net';
import type { Settings } from '../config/settings.js';

export interface ProxySettings {
  http?: string;
  https?: string;
  all?: string;
  noProxy: string[];
}

function setting(settings: Settings, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = settings.get(name);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

export function proxySettings(settings: Settings): ProxySettings {
  const proxies: ProxySettings = {
    noProxy: (setting(settings, 'no_proxy', 'NO_PROXY') ?? '')
      .split(/[\s,]+/)
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== ''),
  };
  const http = setting(settings, 'http_proxy');
  const https = setting(settings, 'https_proxy', 'HTTPS_PROXY');
  const all = setting(settings, 'all_proxy', 'ALL_PROXY');
  if (http !== undefined) proxies.http = http;
  if (https !== undefined) proxies.https = https;
  if (all !== undefined) proxies.all = all;
  return proxies;
}

function defaultPort(url: URL): string {
  return url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
}

/** True when a `no_proxy` entry (`*`, `host`, `.domain`, `host:port`, an IP address or a CIDR block) covers the URL. */
function bypasses(url: URL, entry: string): boolean {
  if (entry === '*') return true;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  let pattern = entry.replace(/^\*?\./, '');
  const portMatch = /^(.*[^:]):(\d+)$/.exec(pattern);
  if (portMatch !== null && !pattern.includes('::')) {
    if (portMatch[2] !== defaultPort(url)) return false;
    pattern = portMatch[1] as string;
  }
  pattern = pattern.replace(/^\[|\]$/g, '');
  const slash = pattern.indexOf('/');
  if (slash > 0 && net.isIP(host) !== 0) {
    const address = pattern.slice(0, slash);
    const family = net.isIP(address);
    if (family === 0 || family !== net.isIP(host)) return false;
    const blocks = new net.BlockList();
    try {
      blocks.addSubnet(address, Number(pattern.slice(slash + 1)), family === 4 ? 'ipv4' : 'ipv6');
    } catch {
      return false;
    }
    return blocks.check(host, family === 4 ? 'ipv4' : 'ipv6');
  }
  return host === pattern || host.endsWith(`.${pattern}`);
}

/** The proxy URL to use for a request URL, or undefined to connect directly. */
export function proxyFor(url: URL, proxies: ProxySettings): string | undefined {
  if (proxies.noProxy.some((entry) => bypasses(url, entry))) return undefined;
  const specific = url.protocol === 'https:' ? proxies.https : proxies.http;
  return specific ?? proxies.all;
}

/** A proxy URL without its user name and password, for messages. */
export function redactProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(an invalid proxy URL)';
  }
}
