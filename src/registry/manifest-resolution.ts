// From a reference to the one image manifest to use: fetch what the tag or digest names, check it against
// a pinned digest, and when it is a multi-platform index pick the wanted platform and fetch that manifest
// (checked against the digest the index gives for it).
import { EnrootError } from '../errors.js';
import type { Logger } from '../log/log.js';
import { describeReference, manifestReference, type DockerReference } from '../reference/docker-uri.js';
import { formatPlatform, type Platform } from '../reference/platform.js';
import { parseManifest, type ImageManifest } from './manifest.js';
import { selectPlatform } from './platform-selection.js';
import type { FetchedManifest, RegistryRepository } from './registry-repository.js';

export interface ResolvedManifest {
  manifest: ImageManifest;
  /** `sha256:<hex>` of the image manifest's bytes. */
  digest: string;
  /** The platform the index gave for the selected manifest, when there was an index. */
  indexPlatform?: Platform;
}

function checkDigest(fetched: FetchedManifest, expected: string, where: string): void {
  if (fetched.digest !== expected) {
    throw new EnrootError(`The manifest of ${where} does not match its digest (got ${fetched.digest}): the registry or a proxy served other content`);
  }
}

/**
 * Resolves the image manifest; `log` receives the reference's "Fetching" steps (the digest command passes
 * none). One request serves as authentication probe and manifest fetch, so those lines follow the
 * authentication lines, in the reference's order.
 */
export async function resolveImageManifest(
  repository: RegistryRepository,
  reference: DockerReference,
  wanted: Platform,
  log: Logger | undefined,
): Promise<ResolvedManifest> {
  const where = describeReference(reference);
  const top = await repository.fetchManifest(manifestReference(reference), where);
  if (reference.digest !== undefined) checkDigest(top, reference.digest, where);
  const parsed = parseManifest(top.bytes, top.contentType, where);
  if (parsed.kind === 'image') {
    log?.info('Fetching image manifest');
    return { manifest: parsed, digest: top.digest };
  }
  log?.info('Fetching image manifest list');

  const entry = selectPlatform(parsed.manifests, wanted, where);
  const platform = entry.platform as Platform;
  const entryWhere = `${reference.registry}#${reference.repository}@${entry.digest}`;
  log?.info(`Fetching image manifest (${formatPlatform(platform)})`);
  const fetched = await repository.fetchManifest(entry.digest, entryWhere);
  checkDigest(fetched, entry.digest, entryWhere);
  const manifest = parseManifest(fetched.bytes, fetched.contentType, entryWhere);
  if (manifest.kind !== 'image') throw new EnrootError(`${entryWhere} is a manifest list inside a manifest list, which is not supported`);
  return { manifest, digest: fetched.digest, indexPlatform: platform };
}
