// From an image source (any scheme) to a tree sink: the step import and load share.
import { parseDockerUri } from '../reference/docker-uri.js';
import type { ImageSource } from '../reference/image-source.js';
import type { Settings } from '../config/settings.js';
import type { ImageTreeOptions } from './image-tree.js';
import type { ImageOrigin } from './provenance.js';

/** Where a source's image came from, for /.enroot/source and the /etc/rc comment. */
export function originOf(source: ImageSource): ImageOrigin {
  if (!source.uri.startsWith('docker://') || source.manifestDigest === undefined) return { kind: 'daemon', uri: source.uri };
  const reference = parseDockerUri(source.uri);
  return {
    kind: 'registry',
    registry: reference.registry,
    repository: reference.repository,
    ...(reference.tag === undefined ? {} : { tag: reference.tag }),
    ...(reference.digest === undefined ? {} : { referenceDigest: reference.digest }),
    manifestDigest: source.manifestDigest,
  };
}

/** SOURCE_DATE_EPOCH when it is set (reproducible images), else undefined. */
export function sourceDateEpoch(settings: Settings): number | undefined {
  const value = settings.get('SOURCE_DATE_EPOCH') ?? '';
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** What the merge needs from a source: everything but the sink. */
export function sourceTreeOptions(source: ImageSource, mtime: number): Omit<ImageTreeOptions, 'sink'> {
  return {
    config: source.config.json,
    layers: source.layers.map((layer) => ({ mediaType: layer.mediaType, open: () => layer.open(), description: layer.digest, size: layer.size })),
    origin: originOf(source),
    requestedArchitecture: source.requestedPlatform.architecture,
    mtime,
  };
}
