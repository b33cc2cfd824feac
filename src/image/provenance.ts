// Where an image came from (spec 6.4, 6.8, seed 002): the `uri=`/`digest=` lines of /.enroot/source and
// the URI of the `# enroot-provenance:` comment of /etc/rc. Built only from the parsed reference, so no
// credential can get in.
import { EnrootError } from '../errors.js';

export type ImageOrigin =
  | {
    kind: 'registry';
    /** Canonical registry host, e.g. registry-1.docker.io. */
    registry: string;
    /** Repository with `library/` expanded, e.g. library/ubuntu. */
    repository: string;
    tag?: string;
    /** The digest the reference named (a TAG@DIGEST or @DIGEST reference). */
    referenceDigest?: string;
    /** Digest of the manifest bytes that were imported (the per-platform one for an index). */
    manifestDigest: string;
  }
  | { kind: 'daemon'; uri: string };

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const PLAIN = /^[^\s#@]+$/;

function checked(value: string, what: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new EnrootError(`invalid ${what} for the image provenance: ${JSON.stringify(value)}`);
  return value;
}

function registryParts(origin: Extract<ImageOrigin, { kind: 'registry' }>): { base: string; tag: string | undefined; digest: string | undefined } {
  const base = `docker://${checked(origin.registry, 'registry', PLAIN)}#${checked(origin.repository, 'repository', PLAIN)}`;
  const digest = origin.referenceDigest === undefined ? undefined : checked(origin.referenceDigest, 'digest', DIGEST);
  const tag = origin.tag === undefined ? undefined : checked(origin.tag, 'tag', PLAIN);
  return { base, tag, digest };
}

/** The `uri=` value: `docker://REGISTRY#REPOSITORY:TAG`, or `@sha256:…` for a digest reference. */
export function sourceUri(origin: ImageOrigin): string {
  if (origin.kind === 'daemon') return singleLine(origin.uri);
  const { base, tag, digest } = registryParts(origin);
  return digest !== undefined ? `${base}@${digest}` : `${base}:${tag ?? 'latest'}`;
}

/** The URI of the /etc/rc comment in the reference's form, where a digest also follows ':'. */
export function rcProvenanceUri(origin: ImageOrigin): string {
  if (origin.kind === 'daemon') return singleLine(origin.uri);
  const { base, tag, digest } = registryParts(origin);
  return `${base}:${digest ?? tag ?? 'latest'}`;
}

function singleLine(uri: string): string {
  if (/[\n\r]/.test(uri)) throw new EnrootError(`invalid image URI for the provenance (it contains a line break): ${JSON.stringify(uri)}`);
  return uri;
}

/** The content of /.enroot/source. */
export function sourceFileText(origin: ImageOrigin): string {
  const uri = `uri=${sourceUri(origin)}\n`;
  if (origin.kind === 'daemon') return uri;
  return `${uri}digest=${checked(origin.manifestDigest, 'manifest digest', DIGEST)}\n`;
}

/** The source URI recorded in an image: the `uri=` line of /.enroot/source, else the /etc/rc comment. */
export function readProvenance(source: string | undefined, rc: string | undefined): string | undefined {
  const line = source?.split('\n').find((entry) => entry.startsWith('uri='));
  if (line !== undefined) return line.slice('uri='.length);
  const comment = rc?.split('\n', 1)[0]?.match(/^# enroot-provenance: (.*)$/);
  return comment?.[1];
}
