// An OCI image layout (a directory, or a tar of one) as an image source: index.json leads, through nested
// indexes chosen by platform, to one image manifest whose blobs are read from blobs/<algorithm>/<hex>.
import { EnrootError } from '../../errors.js';
import { digestHex } from '../../cache/digest.js';
import type { ImageSource } from '../../reference/image-source.js';
import { formatPlatform, type Platform } from '../../reference/platform.js';
import { parseManifest, type Descriptor, type ImageManifest } from '../../registry/manifest.js';
import { selectPlatform } from '../../registry/platform-selection.js';
import { openVerified, readArchiveFile, readImageConfig, type ArchiveFiles } from './archive-files.js';
import { configPlatform } from '../../reference/platform.js';

/** Indexes may nest (an index.json pointing at a multi-platform index); more than this is a loop or an abuse. */
const MAX_INDEX_DEPTH = 4;

function blobName(digest: string, where: string): string {
  return `blobs/sha256/${digestHex(digest, where)}`;
}

interface ChosenManifest {
  manifest: ImageManifest;
  digest: string;
  indexPlatform?: Platform;
}

/** One entry of an index: the only one, or the one for the wanted platform. */
function chooseEntry(manifests: Descriptor[], wanted: Platform, where: string): Descriptor {
  if (manifests.length === 0) throw new EnrootError(`${where} lists no images`);
  if (manifests.length === 1) return manifests[0] as Descriptor;
  return selectPlatform(manifests, wanted, where);
}

async function chooseManifest(files: ArchiveFiles, wanted: Platform): Promise<ChosenManifest> {
  const where = files.where;
  if (files.size('oci-layout') === undefined) {
    throw new EnrootError(`${where} is not an OCI image layout (it has no oci-layout file): give the directory or tar that holds oci-layout and index.json`);
  }
  const top = parseManifest(await readArchiveFile(files, 'index.json'), undefined, `${where} (index.json)`);
  if (top.kind !== 'index') throw new EnrootError(`${where} has an index.json that is not an image index`);
  let manifests = top.manifests;
  let platform: Platform | undefined;
  for (let depth = 0; depth < MAX_INDEX_DEPTH; depth += 1) {
    const entry = chooseEntry(manifests, wanted, where);
    platform = entry.platform ?? platform;
    const bytes = await readArchiveFile(files, blobName(entry.digest, where), entry.digest);
    const document = parseManifest(bytes, entry.mediaType, `${where} (${entry.digest})`);
    if (document.kind === 'image') return { manifest: document, digest: entry.digest, ...(platform === undefined ? {} : { indexPlatform: platform }) };
    manifests = document.manifests;
  }
  throw new EnrootError(`${where} nests indexes more than ${MAX_INDEX_DEPTH} deep; no image for ${formatPlatform(wanted)} found`);
}

/** `uri` is what provenance records; `wanted` picks the platform of a multi-platform layout. */
export async function openOciLayout(files: ArchiveFiles, uri: string, wanted: Platform): Promise<ImageSource> {
  const chosen = await chooseManifest(files, wanted);
  const configDescriptor = chosen.manifest.config;
  const config = await readImageConfig(files, blobName(configDescriptor.digest, files.where), configDescriptor.digest);
  return {
    uri,
    manifestDigest: chosen.digest,
    requestedPlatform: wanted,
    platform: configPlatform(config.json, chosen.indexPlatform),
    config,
    layers: chosen.manifest.layers.map((layer) => {
      const name = blobName(layer.digest, files.where);
      if (files.size(name) === undefined) throw new EnrootError(`${files.where} lacks the layer ${layer.digest}: it is not a complete image layout`);
      return { digest: layer.digest, mediaType: layer.mediaType, size: layer.size, open: () => openVerified(files, name, layer.digest) };
    }),
  };
}
