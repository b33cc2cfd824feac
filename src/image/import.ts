// enroot import: an image URI to a squashfs file, streamed from the layer blobs through the merge into our
// writer (design decision 1); the file appears under its name only once it is complete. Every scheme is an
// ImageSource (src/image/sources), so they all share this path.
import { EnrootError, withPath } from '../errors.js';
import { log } from '../log/log.js';
import type { Settings } from '../config/settings.js';
import { parseDockerUri, redactUri } from '../reference/docker-uri.js';
import { mksquashfsBaseOptions, parseSquashOptions, writeImageAtomically, type SquashfsOptions } from '../squashfs/index.js';
import { imageBaseName, localImageBaseName, resolveOutputPath } from './output-names.js';
import { sourceDateEpoch, sourceTreeOptions } from './image-source-tree.js';
import { writeImageTree } from './image-tree.js';
import { openImageSource, parseLocalUri } from './sources/index.js';

export interface ImportOptions {
  arch?: string;
  output?: string;
}

/** The writer options: ENROOT_SQUASH_OPTIONS, every inode owned by root, times from SOURCE_DATE_EPOCH. */
export function importSquashOptions(settings: Settings): SquashfsOptions {
  const words = (settings.get('ENROOT_SQUASH_OPTIONS') ?? '').split(/\s+/).filter((word) => word !== '');
  const options = parseSquashOptions(words, mksquashfsBaseOptions());
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

/** The default image file name for `uri` (spec 1.4), without `.sqsh`; the URI is validated on the way. */
function defaultBaseName(uri: string): string {
  if (uri.startsWith('docker://')) return imageBaseName(parseDockerUri(uri));
  const local = parseLocalUri(uri);
  if (local === undefined) throw new EnrootError(`Invalid image reference: ${redactUri(uri)}`);
  return localImageBaseName(local);
}

/** Imports `uri` and returns the path of the image file written. */
export async function importImage(uri: string, settings: Settings, options: ImportOptions): Promise<string> {
  const baseName = defaultBaseName(uri);
  // Checked before anything is fetched: import never replaces an existing file (spec 8.7).
  const output = resolveOutputPath(options.output ?? `${baseName}.sqsh`, false);
  const squashOptions = importSquashOptions(settings);
  const { source, release } = await openImageSource(uri, settings, options.arch);
  try {
    log.info('Creating squashfs filesystem...');
    const mtime = squashOptions.mkfsTime ?? Math.floor(Date.now() / 1000);
    await writeImageAtomically(output, squashOptions, (sink) => writeImageTree({ ...sourceTreeOptions(source, mtime), sink })).catch(
      (err: unknown) => {
        throw withPath(err, output);
      },
    );
  } finally {
    release();
  }
  return output;
}
