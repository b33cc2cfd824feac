// enroot load: an image URI straight into a container root filesystem, through the same merge as import
// but into a directory. Layers are applied in user space, so unlike the reference no overlay mount is
// needed (and ENROOT_NATIVE_OVERLAYFS does not matter).
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError, withPath } from '../errors.js';
import { log } from '../log/log.js';
import type { Settings } from '../config/settings.js';
import { ensureSettingDirectory } from '../config/directories.js';
import { parseDockerUri, redactUri } from '../reference/docker-uri.js';
import { openRegistryImage } from '../registry/registry-image.js';
import { validateName } from '../runtime/names.js';
import { imageBaseName } from './output-names.js';
import { sourceDateEpoch, sourceTreeOptions } from './image-source-tree.js';
import { writeImageToDirectory } from './image-tree.js';

export interface LoadOptions {
  arch?: string;
  name?: string;
  force: boolean;
}

/** Loads `uri` into ENROOT_DATA_PATH and returns the container directory. */
export async function loadImage(uri: string, settings: Settings, options: LoadOptions): Promise<string> {
  if (!uri.startsWith('docker://')) throw new EnrootError(`Invalid image reference: ${redactUri(uri)} (load takes docker:// URIs)`);
  const reference = parseDockerUri(uri);
  const name = options.name ?? imageBaseName(reference);
  validateName(name);
  const target = path.join(ensureSettingDirectory(settings, 'ENROOT_DATA_PATH'), name);
  // Checked before anything is downloaded; with --force the old container stays until the new one is whole.
  if (!options.force && fs.existsSync(target)) throw new EnrootError(`File already exists: ${target}`);
  const { source, release } = await openRegistryImage(uri, settings, options.arch === undefined ? {} : { arch: options.arch });
  try {
    log.info('Loading container root filesystem...');
    const mtime = sourceDateEpoch(settings) ?? Math.floor(Date.now() / 1000);
    await writeImageToDirectory(target, { ...sourceTreeOptions(source, mtime), replace: options.force }).catch((err: unknown) => {
      throw withPath(err, target);
    });
  } finally {
    release();
  }
  return target;
}
