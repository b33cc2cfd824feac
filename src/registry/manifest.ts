// Image manifests and indexes (Docker schema 2 and OCI): media types, parsing and validation.
import { EnrootError } from '../errors.js';
import { digestHex } from '../cache/digest.js';
import type { Platform } from '../reference/platform.js';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerIndex: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** Sent on every manifest request: registry 2.8 answers 404 for OCI content when the OCI types are not listed. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerIndex, MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex].join(', ');

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.dockerIndex, MEDIA_TYPES.ociIndex]);
const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest]);
const SCHEMA1_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);
const CONFIG_TYPES = new Set(['application/vnd.docker.container.image.v1+json', 'application/vnd.oci.image.config.v1+json']);

/** Layer media types we can unpack: tar, gzip-compressed tar and zstd-compressed tar, Docker and OCI spellings. */
export const LAYER_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  /** Where a foreign (non-distributable) layer may also be fetched from. */
  urls?: string[];
  platform?: Platform;
}

export interface ImageManifest {
  kind: 'image';
  config: Descriptor;
  /** Base layer first. */
  layers: Descriptor[];
}

export interface ImageIndex {
  kind: 'index';
  manifests: Descriptor[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value) || typeof value.digest !== 'string' || typeof value.mediaType !== 'string') {
    throw new EnrootError(`Could not parse digest information from ${where}: a descriptor lacks its digest or media type`);
  }
  digestHex(value.digest, where);
  const size = value.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new EnrootError(`Could not parse digest information from ${where}: ${value.digest} has no valid size`);
  }
  const descriptor: Descriptor = { mediaType: value.mediaType, digest: value.digest, size };
  if (Array.isArray(value.urls)) descriptor.urls = value.urls.filter((url): url is string => typeof url === 'string');
  const platform = value.platform;
  if (isObject(platform) && typeof platform.os === 'string' && typeof platform.architecture === 'string') {
    descriptor.platform = { os: platform.os, architecture: platform.architecture };
    if (typeof platform.variant === 'string' && platform.variant !== '') descriptor.platform.variant = platform.variant;
  }
  return descriptor;
}

/** The media type a manifest declares: the response's Content-Type, else its `mediaType` field, else its shape. */
function manifestType(json: Record<string, unknown>, contentType: string | undefined): string | undefined {
  const declared = contentType?.split(';')[0]?.trim().toLowerCase();
  if (declared !== undefined && (INDEX_TYPES.has(declared) || IMAGE_TYPES.has(declared) || SCHEMA1_TYPES.has(declared))) return declared;
  if (typeof json.mediaType === 'string') return json.mediaType;
  if (json.schemaVersion === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
  if (Array.isArray(json.manifests)) return MEDIA_TYPES.ociIndex;
  if (isObject(json.config) && Array.isArray(json.layers)) return MEDIA_TYPES.ociManifest;
  return declared;
}

/** Parses manifest bytes fetched from `where` (a description for messages, such as `REGISTRY#REPO:TAG`). */
export function parseManifest(bytes: Buffer, contentType: string | undefined, where: string): ImageManifest | ImageIndex {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new EnrootError(`Could not process JSON input: the manifest of ${where} is not valid JSON`);
  }
  if (!isObject(json)) throw new EnrootError(`Could not process JSON input: the manifest of ${where} is not a JSON object`);
  const type = manifestType(json, contentType);
  if (type !== undefined && SCHEMA1_TYPES.has(type)) {
    throw new EnrootError(`${where} uses the Docker schema 1 manifest format, which is not supported: push the image again with a current Docker or use another tag`);
  }
  if (type !== undefined && INDEX_TYPES.has(type)) {
    if (!Array.isArray(json.manifests)) throw new EnrootError(`Could not parse digest information from ${where}: the manifest list has no manifests`);
    return { kind: 'index', manifests: json.manifests.map((entry) => parseDescriptor(entry, where)) };
  }
  if (type === undefined || !IMAGE_TYPES.has(type)) {
    throw new EnrootError(`${where} has an unsupported manifest media type "${type ?? 'none'}": only Docker schema 2 and OCI images are supported`);
  }
  if (!Array.isArray(json.layers) || json.layers.length === 0) {
    throw new EnrootError(`Could not parse digest information from ${where}: the manifest lists no layers`);
  }
  const config = parseDescriptor(json.config, where);
  if (!CONFIG_TYPES.has(config.mediaType)) {
    throw new EnrootError(`${where} is not a container image (its config has media type ${config.mediaType})`);
  }
  const layers = json.layers.map((layer) => parseDescriptor(layer, where));
  for (const layer of layers) {
    if (!LAYER_TYPES.has(layer.mediaType)) {
      throw new EnrootError(`${where} has a layer of unsupported media type ${layer.mediaType} (${layer.digest})`);
    }
  }
  return { kind: 'image', config, layers };
}
