// Named files inside an image archive (an OCI layout directory, or a tar of one, or a `docker save` tar),
// read whole when small (JSON) or streamed and checked against their digest (blobs).
import fs from 'node:fs';
import path from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { EnrootError } from '../../errors.js';
import { digestVerifier, sha256Digest } from '../../cache/digest.js';
import type { ImageConfig } from '../../reference/image-source.js';
import { indexTarFile, normalizeMemberName } from './tar-index.js';

export interface ArchiveFiles {
  /** Names the archive in messages, e.g. `docker-archive:///srv/app.tar`. */
  where: string;
  /** Size of the file `name`, or undefined when the archive has no such regular file. */
  size(name: string): number | undefined;
  open(name: string): Readable;
}

/** JSON documents and configs are small; a larger one is refused rather than read into memory. */
const DOCUMENT_LIMIT = 16 * 1024 * 1024;

function missing(files: ArchiveFiles, name: string): EnrootError {
  return new EnrootError(`${files.where} has no file ${name}: it is not a complete image archive`);
}

/** The whole file `name`; when `digest` is given, its bytes must hash to it. */
export async function readArchiveFile(files: ArchiveFiles, name: string, digest?: string): Promise<Buffer> {
  const size = files.size(name);
  if (size === undefined) throw missing(files, name);
  if (size > DOCUMENT_LIMIT) throw new EnrootError(`${name} in ${files.where} is ${size} bytes, more than the ${DOCUMENT_LIMIT} this tool accepts`);
  const chunks: Buffer[] = [];
  for await (const chunk of files.open(name)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (digest !== undefined && sha256Digest(bytes) !== digest) {
    throw new EnrootError(`Checksum mismatch for ${name} in ${files.where}: expected ${digest}, got ${sha256Digest(bytes)}`);
  }
  return bytes;
}

/** The file `name` parsed as JSON. */
export async function readArchiveJson(files: ArchiveFiles, name: string): Promise<unknown> {
  return parseJson(await readArchiveFile(files, name), `${name} in ${files.where}`);
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new EnrootError(`Could not process JSON input: ${what} is not valid JSON`);
  }
}

/** The image config stored as `name`, checked against `digest` when the archive names one. */
export async function readImageConfig(files: ArchiveFiles, name: string, digest: string | undefined): Promise<ImageConfig> {
  const bytes = await readArchiveFile(files, name, digest);
  const json = parseJson(bytes, `the image config ${name} in ${files.where}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new EnrootError(`Could not process JSON input: the image config ${name} in ${files.where} is not a JSON object`);
  }
  return { json: json as Record<string, unknown>, bytes, ...(digest === undefined ? {} : { digest }) };
}

/** A stream of the file `name` that fails at its end unless the bytes hash to `digest`. */
export function openVerified(files: ArchiveFiles, name: string, digest: string): Readable {
  const size = files.size(name);
  if (size === undefined) throw missing(files, name);
  const verifier = digestVerifier(digest, size, `${name} in ${files.where}`);
  pipeline(files.open(name), verifier, () => {});
  return verifier;
}

/** The files under an OCI layout directory; names may not climb out of it. */
export function directoryFiles(root: string, where: string): ArchiveFiles {
  const pathOf = (name: string): string => {
    const normal = normalizeMemberName(name);
    if (normal.split('/').includes('..')) throw new EnrootError(`${where} refers to ${name}, outside the image layout`);
    return path.join(root, normal);
  };
  return {
    where,
    size(name) {
      const stats = fs.statSync(pathOf(name), { throwIfNoEntry: false });
      return stats?.isFile() === true ? stats.size : undefined;
    },
    open: (name) => fs.createReadStream(pathOf(name)),
  };
}

/** The members of an uncompressed tar file, each streamed from its place in the file. */
export async function tarFiles(file: string, where: string): Promise<ArchiveFiles> {
  const find = await indexTarFile(file, where);
  return {
    where,
    size: (name) => find(name)?.size,
    open(name) {
      const member = find(name);
      if (member === undefined) throw new EnrootError(`${where} has no file ${name}`);
      // An inclusive end cannot express an empty range.
      if (member.size === 0) return Readable.from([]);
      return fs.createReadStream(file, { start: member.offset, end: member.offset + member.size - 1 });
    },
  };
}
