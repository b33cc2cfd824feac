// Default names of what import, load, create and export produce (spec 1.4), and the checks on an
// output path the user gives.
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';
import { DOCKER_HUB_REGISTRY, type DockerReference } from '../reference/docker-uri.js';
import type { LocalReference } from './sources/local-uri.js';

/**
 * `ubuntu+latest` for docker://ubuntu, `nvidia+cuda+12` for docker://nvcr.io#nvidia/cuda:12. The registry
 * never appears. A digest reference gives `ubuntu+sha256-<hex>`: the reference writes `sha256:<hex>`, but a
 * `:` in a file name breaks `--mount SRC:DST` and PATH-like lists, so we use `-`.
 */
export function imageBaseName(reference: DockerReference): string {
  let repository = reference.repository;
  if (reference.registry === DOCKER_HUB_REGISTRY && repository.startsWith('library/')) repository = repository.slice('library/'.length);
  const suffix = reference.digest !== undefined ? reference.digest.replace(':', '-') : (reference.tag ?? 'latest');
  return `${repository.replaceAll('/', '+')}+${suffix}`;
}

/**
 * `ubuntu+22.04` for dockerd://ubuntu:22.04 (every `:` and `/` replaced, no default tag, spec 1.4); for
 * archives and layouts the file or directory name without `.tar`: oci-archive:///srv/app.tar gives `app`.
 */
export function localImageBaseName(reference: LocalReference): string {
  if (reference.kind === 'engine') return reference.image.replace(/[:/]/g, '+');
  const name = path.basename(reference.path).replace(/\.tar$/, '');
  return name === '' || name === '.' || name === '..' ? 'image' : name;
}

/** The container name `create` derives from an image file: its real name minus one `.sqsh`. */
export function containerNameFromImage(imagePath: string): string {
  return path.basename(imagePath).replace(/\.sqsh$/, '');
}

/**
 * The absolute path an output will have. Its directory must exist; the output itself must not, unless
 * `replace` is set (then it is replaced only once the new one is complete).
 */
export function resolveOutputPath(output: string, replace: boolean): string {
  const absolute = path.resolve(output);
  let directory: string;
  try {
    directory = fs.realpathSync(path.dirname(absolute));
  } catch {
    throw new EnrootError(`No such file or directory: ${path.dirname(absolute)}`);
  }
  const resolved = path.join(directory, path.basename(absolute));
  if (!replace && fs.existsSync(resolved)) throw new EnrootError(`File already exists: ${resolved}`);
  return resolved;
}
