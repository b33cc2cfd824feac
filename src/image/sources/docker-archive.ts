// A `docker save` / `podman save` tarball as an image source: manifest.json names the config and the layer
// files. Old-style archives name files by image IDs, new ones (Docker 25+) by blob digests; the layers are
// plain tars whose digests are the config's diff_ids, so every blob is still checked as it is read.
import { EnrootError } from '../../errors.js';
import type { ImageSource } from '../../reference/image-source.js';
import type { Platform } from '../../reference/platform.js';
import { openVerified, readArchiveJson, readImageConfig, type ArchiveFiles } from './archive-files.js';
import { configPlatform } from '../../reference/platform.js';

const LAYER_MEDIA_TYPE = 'application/vnd.docker.image.rootfs.diff.tar';

interface SavedImage {
  config: string;
  layers: string[];
  tags: string[];
}

function parseSavedImages(json: unknown, where: string): SavedImage[] {
  const invalid = () => new EnrootError(`Could not process JSON input: manifest.json in ${where} is not a docker save manifest`);
  if (!Array.isArray(json)) throw invalid();
  return json.map((entry: unknown) => {
    const record = entry as Record<string, unknown> | null;
    if (typeof record !== 'object' || record === null || typeof record.Config !== 'string' || !Array.isArray(record.Layers)) throw invalid();
    const layers = record.Layers.filter((layer): layer is string => typeof layer === 'string');
    if (layers.length !== record.Layers.length) throw invalid();
    const tags = Array.isArray(record.RepoTags) ? record.RepoTags.filter((tag): tag is string => typeof tag === 'string') : [];
    return { config: record.Config, layers, tags };
  });
}

/** The digest a file name carries (`blobs/sha256/<hex>`, `<hex>.json`), if any. */
function digestInName(name: string): string | undefined {
  const match = /(?:^|\/)(?:sha256\/)?([0-9a-f]{64})(?:\.json|\.tar)?$/.exec(name);
  return match === null ? undefined : `sha256:${match[1]}`;
}

function diffIds(config: Record<string, unknown>): unknown[] {
  const rootfs = config.rootfs as Record<string, unknown> | undefined;
  return Array.isArray(rootfs?.diff_ids) ? rootfs.diff_ids : [];
}

export async function openDockerArchive(files: ArchiveFiles, uri: string, wanted: Platform): Promise<ImageSource> {
  const where = files.where;
  if (files.size('manifest.json') === undefined) {
    throw new EnrootError(`${where} is not a docker save archive (it has no manifest.json)${files.size('oci-layout') === undefined ? '' : ': import it with oci-archive://'}`);
  }
  const images = parseSavedImages(await readArchiveJson(files, 'manifest.json'), where);
  if (images.length !== 1) {
    const tags = images.flatMap((image) => image.tags).join(', ');
    throw new EnrootError(`${where} holds ${images.length} images${tags === '' ? '' : ` (${tags})`}: save exactly one image per archive`);
  }
  const image = images[0] as SavedImage;
  const config = await readImageConfig(files, image.config, digestInName(image.config));
  const ids = diffIds(config.json);
  if (ids.length !== image.layers.length || !ids.every((id): id is string => typeof id === 'string')) {
    throw new EnrootError(`${where} is inconsistent: its image config lists ${ids.length} layers, manifest.json ${image.layers.length}`);
  }
  return {
    uri,
    requestedPlatform: wanted,
    platform: configPlatform(config.json, undefined),
    config,
    layers: image.layers.map((name, index) => {
      const size = files.size(name);
      if (size === undefined) throw new EnrootError(`${where} has no file ${name}: it is not a complete image archive`);
      // A digest-named blob may be compressed; an ID-named layer.tar is the plain tar its diff_id names.
      const digest = (name.startsWith('blobs/') ? digestInName(name) : undefined) ?? (ids[index] as string);
      return { digest, mediaType: LAYER_MEDIA_TYPE, size, open: () => openVerified(files, name, digest) };
    }),
  };
}
