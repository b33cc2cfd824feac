// URIs of images that are not in a registry: an engine's local store (dockerd://, podman://) or a file or
// directory on this machine (docker-archive://, oci-archive://, oci://).
import path from 'node:path';
import { EnrootError } from '../../errors.js';

export type EngineScheme = 'dockerd' | 'podman';
export type ArchiveScheme = 'docker-archive' | 'oci-archive' | 'oci';

export type LocalReference =
  | { kind: 'engine'; scheme: EngineScheme; image: string }
  | { kind: 'archive'; scheme: ArchiveScheme; path: string };

const ENGINE_IMAGE = /^[A-Za-z0-9/._:-]+$/;

/** The engine's command for a scheme. */
export function engineCommand(scheme: EngineScheme): string {
  return scheme === 'dockerd' ? 'docker' : 'podman';
}

/** A local reference, or undefined when `uri` has another scheme. Relative archive paths are taken from the current directory. */
export function parseLocalUri(uri: string): LocalReference | undefined {
  const match = /^(dockerd|podman|docker-archive|oci-archive|oci):\/\/(.*)$/s.exec(uri);
  if (match === null) return undefined;
  const scheme = match[1] as EngineScheme | ArchiveScheme;
  const rest = match[2] as string;
  if (scheme === 'dockerd' || scheme === 'podman') {
    // The engine resolves the name itself (default registry, default tag); digests are not taken.
    if (!ENGINE_IMAGE.test(rest) || rest.startsWith('-')) throw new EnrootError(`Invalid image reference: ${uri}`);
    return { kind: 'engine', scheme, image: rest };
  }
  if (rest === '' || rest.includes('\0')) throw new EnrootError(`Invalid image reference: ${uri} (give the path after ${scheme}://)`);
  return { kind: 'archive', scheme, path: path.resolve(rest) };
}
