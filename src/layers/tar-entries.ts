// Tar members as the merge sees them: one record per member with numeric metadata, PAX overrides applied
// (fractional mtime, large uid/gid, SCHILY.xattr.*), and the member's data as a stream that must be
// consumed or drained before the next member is read. ustar, GNU long names/links and PAX long names and
// sizes are handled by tar-stream itself.
import { pipeline, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { EnrootError } from '../errors.js';
import type { EntryMeta, FileData } from './sink.js';

export type MemberType = 'file' | 'directory' | 'symlink' | 'link' | 'char' | 'block' | 'fifo';

export interface LayerMember {
  /** The name as stored in the archive, before normalisation. */
  name: string;
  type: MemberType;
  /** Symlink target, or hardlink target name as stored. */
  linkname: string;
  meta: EntryMeta;
  size: number;
  devmajor: number;
  devminor: number;
  data: FileData;
}

/** What a layer yields: its members in order; `unsupported` names a member that was left out, and why. */
export type LayerItem = { member: LayerMember } | { unsupported: string };

const MEMBER_TYPES: Record<string, MemberType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'link',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

type Pax = Record<string, string>;

function paxNumber(pax: Pax, key: string, fallback: number): number {
  const value = pax[key];
  if (value === undefined) return fallback;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : fallback;
}

/**
 * xattrs from SCHILY.xattr.NAME (raw value) and LIBARCHIVE.xattr.NAME (URL-encoded name, base64 value).
 * tar-stream decodes PAX values as UTF-8, so a binary SCHILY value that is not valid UTF-8 cannot be
 * recovered: it is left out and named in `lost`.
 */
function paxXattrs(pax: Pax, lost: string[]): Record<string, Buffer> | undefined {
  const xattrs: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(pax)) {
    if (key.startsWith('SCHILY.xattr.')) {
      const name = key.slice('SCHILY.xattr.'.length);
      if (value.includes('\ufffd')) lost.push(name);
      else xattrs[name] = Buffer.from(value, 'utf8');
    } else if (key.startsWith('LIBARCHIVE.xattr.')) {
      xattrs[decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length))] = Buffer.from(value, 'base64');
    }
  }
  return Object.keys(xattrs).length > 0 ? xattrs : undefined;
}

/** The member for a tar-stream header, or the reason it is left out. */
function toMember(header: tar.Header, data: FileData, lostXattrs: string[]): LayerMember | string {
  const pax = (header.pax ?? {}) as Pax;
  if (Object.keys(pax).some((key) => key.startsWith('GNU.sparse.'))) return 'sparse files are not supported';
  const type = MEMBER_TYPES[header.type as string];
  if (type === undefined) {
    return header.type === null
      ? 'this kind of tar member (GNU sparse file, volume label or multi-volume part) is not supported'
      : `tar member type '${header.type}' is not supported`;
  }
  const xattrs = paxXattrs(pax, lostXattrs);
  const meta: EntryMeta = {
    mode: header.mode & 0o7777,
    uid: paxNumber(pax, 'uid', header.uid),
    gid: paxNumber(pax, 'gid', header.gid),
    mtime: paxNumber(pax, 'mtime', header.mtime.getTime() / 1000),
  };
  if (xattrs !== undefined) meta.xattrs = xattrs;
  return {
    name: header.name,
    type,
    linkname: header.linkname ?? '',
    meta,
    size: type === 'file' ? header.size : 0,
    devmajor: header.devmajor ?? 0,
    devminor: header.devminor ?? 0,
    data,
  };
}

/** Reads and discards the rest of a member's data. */
async function drain(data: FileData): Promise<void> {
  for await (const chunk of data) void chunk;
}

/**
 * How often the reader gives the event loop a turn. When a layer is already decoded ahead, members come from
 * memory through promise callbacks alone, which would hold off timers and signal handlers (SIGINT cleanup)
 * until the whole layer is merged.
 */
const EVENT_LOOP_TURN_MS = 50;

const eventLoopTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A member's data. When the tar itself breaks (a truncated layer, say), reading the member fails only with
 * "stream was destroyed"; the tar's own error, which names the problem, is reported instead.
 */
async function* memberData(data: FileData, description: string, tarFailure: () => Error | undefined): AsyncGenerator<Uint8Array> {
  try {
    yield* data;
  } catch (err) {
    await eventLoopTurn(); // the tar's error event comes after its member is destroyed
    const cause = tarFailure() ?? (err as Error);
    if (cause instanceof EnrootError) throw cause;
    throw new EnrootError(`${description}: could not read the layer: ${cause.message}`, { cause });
  }
}

/** The members of the uncompressed tar `input`; each member's data is drained if the caller leaves it. */
export async function* readLayerMembers(
  input: Readable, description: string, warnXattr: (member: string, names: string[]) => void,
): AsyncGenerator<LayerItem> {
  const extract = tar.extract();
  let tarFailure: Error | undefined;
  extract.on('error', (err: Error) => {
    tarFailure ??= err;
  });
  pipeline(input, extract, () => {});
  let lastTurn = Date.now();
  try {
    for await (const entry of extract) {
      if (Date.now() - lastTurn >= EVENT_LOOP_TURN_MS) {
        await eventLoopTurn();
        lastTurn = Date.now();
      }
      const lost: string[] = [];
      // entry is a streamx Readable: async-iterable, typed without it.
      const data = memberData(entry as unknown as FileData, description, () => tarFailure);
      const member = toMember(entry.header, data, lost);
      if (lost.length > 0) warnXattr(entry.header.name, lost);
      if (typeof member === 'string') yield { unsupported: `${entry.header.name}: ${member}` };
      else yield { member };
      if (entry.header.size > 0) await drain(data);
    }
  } catch (err) {
    if (err instanceof EnrootError) throw err;
    throw new EnrootError(`${description}: could not read the layer: ${(err as Error).message}`, { cause: err });
  } finally {
    input.destroy();
  }
}
