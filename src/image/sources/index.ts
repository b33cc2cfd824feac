// Every scheme `import` takes, opened as the one ImageSource interface.
import fs from 'node:fs';
import type { Settings } from '../../config/settings.js';
import { EnrootError } from '../../errors.js';
import { redactUri } from '../../reference/docker-uri.js';
import type { ImageSource } from '../../reference/image-source.js';
import { requestedPlatform } from '../../reference/platform.js';
import { openRegistryImage } from '../../registry/registry-image.js';
import { directoryFiles, tarFiles } from './archive-files.js';
import { openDockerArchive } from './docker-archive.js';
import { openEngineImage } from './engine-image.js';
import { parseLocalUri, type LocalReference } from './local-uri.js';
import { openOciLayout } from './oci-layout.js';

export { parseLocalUri } from './local-uri.js';

export interface OpenedSource {
  source: ImageSource;
  /** Frees what opening took (a saved engine archive); call it once the source has been consumed. */
  release(): void;
}

function requireKind(file: string, uri: string, directory: boolean): void {
  const stats = fs.statSync(file, { throwIfNoEntry: false });
  if (stats === undefined) throw new EnrootError(`No such file or directory: ${file}`);
  if (directory && !stats.isDirectory()) throw new EnrootError(`${uri} is not a directory: oci:// takes an OCI layout directory, oci-archive:// a tar of one`);
  if (!directory && !stats.isFile()) throw new EnrootError(`${uri} is not a file: ${uri.startsWith('oci-archive') ? 'oci:// takes an OCI layout directory' : 'give the tar file'}`);
}

async function openLocal(reference: LocalReference, uri: string, settings: Settings, arch: string | undefined): Promise<OpenedSource> {
  const wanted = requestedPlatform(arch);
  const nothing = { release() {} };
  if (reference.kind === 'engine') {
    return openEngineImage(reference.scheme, reference.image, uri, wanted, arch !== undefined, settings.get('ENROOT_TEMP_PATH') ?? '/tmp');
  }
  requireKind(reference.path, uri, reference.scheme === 'oci');
  if (reference.scheme === 'oci') return { source: await openOciLayout(directoryFiles(reference.path, uri), uri, wanted), ...nothing };
  const files = await tarFiles(reference.path, uri);
  const open = reference.scheme === 'oci-archive' ? openOciLayout : openDockerArchive;
  return { source: await open(files, uri, wanted), ...nothing };
}

/** Opens `uri` (any scheme import takes) for the `--arch` platform. */
export async function openImageSource(uri: string, settings: Settings, arch: string | undefined): Promise<OpenedSource> {
  if (uri.startsWith('docker://')) {
    return openRegistryImage(uri, settings, arch === undefined ? {} : { arch });
  }
  const local = parseLocalUri(uri);
  if (local === undefined) throw new EnrootError(`Invalid image reference: ${redactUri(uri)}`);
  return openLocal(local, uri, settings, arch);
}
