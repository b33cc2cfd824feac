// The members of an uncompressed tar file, found by reading only their headers, so that any member can then
// be streamed straight from the file (docker-archive and oci-archive read their blobs this way).
import fs from 'node:fs';
import { EnrootError } from '../../errors.js';

const BLOCK = 512;

export interface TarMember {
  /** Offset of the member's data in the file. */
  offset: number;
  size: number;
}

interface RawMember {
  type: string;
  size: number;
  offset: number;
  linkname: string;
}

/** `./a/b/` and `a//b` both become `a/b`. */
export function normalizeMemberName(name: string): string {
  return name.split('/').filter((part) => part !== '' && part !== '.').join('/');
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

/** Octal, or base-256 when the top bit of the first byte is set (GNU and star encode large sizes so). */
function numeric(header: Buffer, start: number, length: number): number {
  const field = header.subarray(start, start + length);
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const digits = field.toString('latin1').replace(/[\0 ]+$/g, '').trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

function isChecksumValid(header: Buffer): boolean {
  let sum = 0;
  for (let index = 0; index < BLOCK; index += 1) sum += index >= 148 && index < 156 ? 0x20 : header[index]!;
  return sum === numeric(header, 148, 8);
}

/** The `key=value` records of a pax extended header. */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space === -1) break;
    const length = parseInt(data.subarray(position, space).toString('latin1'), 10);
    if (!(length > 0)) break;
    const record = data.subarray(space + 1, position + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}

async function readAt(handle: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

async function scanHeaders(file: string, what: string): Promise<Map<string, RawMember>> {
  const members = new Map<string, RawMember>();
  const handle = await fs.promises.open(file, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    let position = 0;
    let pending: { path?: string; linkpath?: string; size?: number } = {};
    while (position + BLOCK <= fileSize) {
      const header = await readAt(handle, position, BLOCK);
      if (header.every((byte) => byte === 0)) break;
      if (!isChecksumValid(header)) throw new EnrootError(`${what} is not a tar archive (bad header at byte ${position})`);
      const type = String.fromCharCode(header[156]!);
      const size = pending.size ?? numeric(header, 124, 12);
      const offset = position + BLOCK;
      if (offset + size > fileSize) throw new EnrootError(`${what} is truncated: its member at byte ${position} runs past the end of the file`);
      position = offset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'L' || type === 'K') {
        const data = await readAt(handle, offset, size);
        if (type === 'x') {
          const records = paxRecords(data);
          const paxSize = records.get('size');
          pending = {
            ...pending,
            ...(records.has('path') ? { path: records.get('path') as string } : {}),
            ...(records.has('linkpath') ? { linkpath: records.get('linkpath') as string } : {}),
            ...(paxSize !== undefined ? { size: Number(paxSize) } : {}),
          };
        } else {
          const value = data.subarray(0, data.indexOf(0) === -1 ? data.length : data.indexOf(0)).toString('utf8');
          pending = type === 'L' ? { ...pending, path: value } : { ...pending, linkpath: value };
        }
        continue;
      }
      if (type === 'g') continue;
      const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? text(header, 345, 155) : '';
      const name = pending.path ?? (prefix === '' ? text(header, 0, 100) : `${prefix}/${text(header, 0, 100)}`);
      const linkname = pending.linkpath ?? text(header, 157, 100);
      pending = {};
      members.set(normalizeMemberName(name), { type: type === '\0' ? '0' : type, size, offset, linkname });
    }
  } finally {
    await handle.close();
  }
  return members;
}

/** Follows symbolic and hard links between members (old `docker save` links repeated layers) to a regular file. */
function resolveMember(members: Map<string, RawMember>, name: string): TarMember | undefined {
  let current = name;
  for (let hops = 0; hops < 16; hops += 1) {
    const member = members.get(current);
    if (member === undefined) return undefined;
    if (member.type === '0' || member.type === '7') return { offset: member.offset, size: member.size };
    if (member.type === '1') current = normalizeMemberName(member.linkname);
    else if (member.type === '2') {
      const directory = current.includes('/') ? current.slice(0, current.lastIndexOf('/')) : '';
      const joined = member.linkname.startsWith('/') ? member.linkname : `${directory}/${member.linkname}`;
      const parts: string[] = [];
      for (const part of joined.split('/')) {
        if (part === '..') parts.pop();
        else if (part !== '' && part !== '.') parts.push(part);
      }
      current = parts.join('/');
    } else return undefined;
  }
  return undefined;
}

/** Indexes `file`; `what` names it in messages. Compressed archives are refused with the command that fixes them. */
export async function indexTarFile(file: string, what: string): Promise<(name: string) => TarMember | undefined> {
  const magic = await readMagic(file);
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    throw new EnrootError(`${what} is gzip-compressed: decompress it first (gunzip -k ${file}) and import the .tar`);
  }
  if (magic[0] === 0x28 && magic[1] === 0xb5 && magic[2] === 0x2f && magic[3] === 0xfd) {
    throw new EnrootError(`${what} is zstd-compressed: decompress it first (zstd -d ${file}) and import the .tar`);
  }
  const members = await scanHeaders(file, what);
  return (name) => resolveMember(members, normalizeMemberName(name));
}

async function readMagic(file: string): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    return await readAt(handle, 0, 4);
  } finally {
    await handle.close();
  }
}
