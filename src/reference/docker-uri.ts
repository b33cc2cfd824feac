// `docker://` image references (spec 3.1): the reference's nine forms, tried in its order, with its
// Docker Hub canonicalisation and default tag, plus the fixes the spec asks for: `localhost[:port]` is a
// registry, repository names and digests are validated, and a `user:password@` part is never echoed.
import { EnrootError } from '../errors.js';

export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', DOCKER_HUB_REGISTRY]);
const DEFAULT_TAG = 'latest';

/** The `USER@` part of a reference. The password, when given, lives only in memory. */
export interface UserInfo {
  login: string;
  password?: string;
}

export interface DockerReference {
  /** `host[:port]`; Docker Hub is always `registry-1.docker.io`. */
  registry: string;
  repository: string;
  /** Present for tag references (defaults to `latest`); a `TAG@DIGEST` reference keeps only the digest. */
  tag?: string;
  /** `sha256:<64 hex>` for digest references. */
  digest?: string;
  user?: UserInfo;
}

// Character classes of spec 3.1. USER also takes the range `,`..`@` (which includes `/`, `:` and `@`).
const USER = String.raw`[A-Za-z0-9_.!~*\\'()%;:&=+$,-@]+`;
const IMAGE = '[a-z0-9/._-]+';
const TAG = '[A-Za-z0-9._:-]+';
const DIGEST = 'sha256:[A-Za-z0-9]+';
const R = '[^/#]+';
const NAME = '[^/@#:]+';
const REG = '[^#/@]+';

type Form = 'path' | 'hub-name' | 'registry-hash';

interface FormPattern {
  form: Form;
  pattern: RegExp;
}

/** Each form with an optional, greedy USER prefix, so the longest USER that lets the rest match wins. */
function form(form: Form, body: string): FormPattern {
  return { form, pattern: new RegExp(`^docker://(?:(?<user>${USER})@)?${body}$`) };
}

const FORMS: readonly FormPattern[] = [
  form('path', `(?<head>${R})/(?<image>${IMAGE}):(?:${TAG})@(?<digest>${DIGEST})`),
  form('path', `(?<head>${R})/(?<image>${IMAGE})@(?<digest>${DIGEST})`),
  form('path', `(?<head>${R})/(?<image>${IMAGE})(?::(?<tag>${TAG}))?`),
  form('hub-name', `(?<image>${NAME}):(?:${TAG})@(?<digest>${DIGEST})`),
  form('hub-name', `(?<image>${NAME})@(?<digest>${DIGEST})`),
  form('hub-name', `(?<image>${NAME})(?::(?<tag>${TAG}))?`),
  form('registry-hash', `(?<head>${REG})#(?<image>${IMAGE}):(?:${TAG})@(?<digest>${DIGEST})`),
  form('registry-hash', `(?<head>${REG})#(?<image>${IMAGE})@(?<digest>${DIGEST})`),
  form('registry-hash', `(?<head>${REG})#(?<image>${IMAGE})(?::(?<tag>${TAG}))?`),
];

// The distribution spec's repository name grammar: lowercase components joined by `/`.
const REPOSITORY_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${REPOSITORY_COMPONENT}(?:/${REPOSITORY_COMPONENT})*$`);
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;
// A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port.
const REGISTRY_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** True for the first component of `R/IMAGE` when it names a registry rather than a Docker Hub namespace. */
function looksLikeRegistry(head: string): boolean {
  return head.includes('.') || head.includes(':') || head === 'localhost';
}

/**
 * The URI with any password of a `user:password@` part replaced by `***`, for messages. `NAME:TAG@DIGEST`
 * looks like `user:password@host`, so an `@` followed only by a digest does not end a user part.
 */
export function redactUri(uri: string): string {
  const start = uri.indexOf('://') + 3;
  let at = uri.lastIndexOf('@');
  if (at >= start && /^sha256:[A-Za-z0-9]*$/.test(uri.slice(at + 1))) at = uri.lastIndexOf('@', at - 1);
  if (at < start) return uri;
  const colon = uri.indexOf(':', start);
  return colon < 0 || colon > at ? uri : `${uri.slice(0, colon)}:***${uri.slice(at)}`;
}

function invalid(uri: string, why?: string): EnrootError {
  return new EnrootError(`Invalid image reference: ${redactUri(uri)}${why === undefined ? '' : ` (${why})`}`);
}

function parseUser(text: string | undefined): UserInfo | undefined {
  if (text === undefined) return undefined;
  const colon = text.indexOf(':');
  return colon < 0 ? { login: text } : { login: text.slice(0, colon), password: text.slice(colon + 1) };
}

function canonicalRegistry(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry.toLowerCase()) ? DOCKER_HUB_REGISTRY : registry;
}

/** Parses a `docker://` URI (spec 3.1), or fails with `Invalid image reference: <uri>`. */
export function parseDockerUri(uri: string): DockerReference {
  for (const { form, pattern } of FORMS) {
    const groups = pattern.exec(uri)?.groups;
    if (groups === undefined) continue;
    const image = groups.image as string;
    let registry: string;
    let repository: string;
    if (form === 'hub-name') {
      registry = DOCKER_HUB_REGISTRY;
      repository = image;
    } else if (form === 'registry-hash' || looksLikeRegistry(groups.head as string)) {
      registry = groups.head as string;
      repository = image;
    } else {
      registry = DOCKER_HUB_REGISTRY;
      repository = `${groups.head as string}/${image}`;
    }
    if (!REGISTRY_HOST.test(registry)) throw invalid(uri, `"${registry}" is not a registry host name`);
    registry = canonicalRegistry(registry);
    if (registry === DOCKER_HUB_REGISTRY && !repository.includes('/')) repository = `library/${repository}`;
    if (!REPOSITORY.test(repository)) {
      throw invalid(uri, 'repository names are lowercase letters, digits and single separators (. _ __ -) between / components');
    }
    const reference: DockerReference = { registry, repository };
    const user = parseUser(groups.user);
    if (user !== undefined) reference.user = user;
    if (groups.digest !== undefined) {
      if (!SHA256_DIGEST.test(groups.digest)) throw invalid(uri, 'a digest is sha256: followed by 64 lowercase hexadecimal digits');
      reference.digest = groups.digest;
    } else {
      reference.tag = groups.tag !== undefined && groups.tag !== '' ? groups.tag : DEFAULT_TAG;
    }
    return reference;
  }
  throw invalid(uri);
}

/** The tag or digest to ask the registry for. */
export function manifestReference(reference: DockerReference): string {
  return reference.digest ?? reference.tag ?? DEFAULT_TAG;
}

/** `REGISTRY#REPOSITORY:TAG` or `REGISTRY#REPOSITORY@sha256:...`, without any user part, for messages. */
export function describeReference(reference: DockerReference): string {
  const suffix = reference.digest !== undefined ? `@${reference.digest}` : `:${reference.tag ?? DEFAULT_TAG}`;
  return `${reference.registry}#${reference.repository}${suffix}`;
}

/** The credential-free canonical URI recorded as provenance (spec 6.8). */
export function canonicalDockerUri(reference: DockerReference): string {
  return `docker://${describeReference(reference)}`;
}
