// enroot import: an image URI to a squashfs file, streamed from the layer blobs through the merge into our
// writer (design decision 1); the file appears under its name only once it is complete.
import { EnrootError, NotImplementedError, withPath } from '../errors.js';
import { log } from '../log/log.js';
import type { Settings } from '../config/settings.js';
import { parseDockerUri, redactUri } from '../reference/docker-uri.js';
import { openRegistryImage } from '../registry/registry-image.js';
import { parseSquashOptions, writeImageAtomically, type SquashfsOptions } from '../squashfs/index.js';
import { imageBaseName, resolveOutputPath } from './output-names.js';
import { sourceDateEpoch, sourceTreeOptions } from './image-source-tree.js';
import { writeImageTree } from './image-tree.js';

export interface ImportOptions {
  arch?: string;
  output?: string;
}

/** The writer options: ENROOT_SQUASH_OPTIONS, every inode owned by root, times from SOURCE_DATE_EPOCH. */
export function importSquashOptions(settings: Settings): SquashfsOptions {
  const words = (settings.get('ENROOT_SQUASH_OPTIONS') ?? '').split(/\s+/).filter((word) => word !== '');
  const options = parseSquashOptions(words);
  options.allRoot = true;
  const processors = settings.integer('ENROOT_MAX_PROCESSORS');
  if (processors > 0) options.processors = processors;
  const epoch = sourceDateEpoch(settings);
  if (epoch !== undefined) {
    options.mkfsTime = epoch;
    options.allTime = epoch;
  }
  return options;
}

function unsupportedScheme(uri: string): never {
  if (/^(dockerd|podman):\/\//.test(uri)) throw new NotImplementedError(`import from ${uri.split(':')[0]}://`);
  throw new EnrootError(`Invalid image reference: ${redactUri(uri)}`);
}

/** Imports `uri` and returns the path of the image file written. */
export async function importImage(uri: string, settings: Settings, options: ImportOptions): Promise<string> {
  if (!uri.startsWith('docker://')) unsupportedScheme(uri);
  const reference = parseDockerUri(uri);
  // Checked before anything is downloaded: import never replaces an existing file (spec 8.7).
  const output = resolveOutputPath(options.output ?? `${imageBaseName(reference)}.sqsh`, false);
  const squashOptions = importSquashOptions(settings);
  const source = await openRegistryImage(uri, settings, options.arch === undefined ? {} : { arch: options.arch });
  log.info('Creating squashfs filesystem...');
  const mtime = squashOptions.mkfsTime ?? Math.floor(Date.now() / 1000);
  await writeImageAtomically(output, squashOptions, (sink) => writeImageTree({ ...sourceTreeOptions(source, mtime), sink })).catch(
    (err: unknown) => {
      throw withPath(err, output);
    },
  );
  return output;
}
