// The host's user and group databases through the C library, so that every NSS source (files, LDAP,
// sssd) answers as it does for `getent passwd UID` and `getent group GID`.
import type { TypeObject } from 'koffi';
import { koffi, native } from './libc.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

interface Layouts {
  passwd: TypeObject;
  group: TypeObject;
}

let layouts: Layouts | undefined;

/** struct passwd and struct group, declared on first use. */
function structLayouts(): Layouts {
  layouts ??= {
    passwd: koffi.struct({ name: 'char *', password: 'char *', uid: 'uint32_t', gid: 'uint32_t', gecos: 'char *', home: 'char *', shell: 'char *' }),
    group: koffi.struct({ name: 'char *', password: 'char *', gid: 'uint32_t', members: 'void *' }),
  };
  return layouts;
}

const ERANGE = 34;
const FIRST_SIZE = 16 * 1024;
const MAX_SIZE = 64 * 1024 * 1024;

/**
 * Calls a get*id_r function, growing the strings buffer while it is too small (a group with many
 * members can need megabytes); the decoded entry, or null when the database has none.
 */
function lookUp<T>(call: (entry: Buffer, strings: Buffer, result: unknown[]) => number, layout: TypeObject): T | null {
  const entry = Buffer.alloc(koffi.sizeof(layout));
  for (let size = FIRST_SIZE; size <= MAX_SIZE; size *= 2) {
    const strings = Buffer.alloc(size);
    const result: unknown[] = [null];
    const status = call(entry, strings, result);
    if (status === ERANGE) continue;
    // The strings point into `strings`, still alive here.
    return status === 0 && result[0] !== null ? (koffi.decode(entry, layout) as T) : null;
  }
  return null;
}

/** What koffi decodes: a NULL string member comes back as null. */
type Decoded<T> = { [K in keyof T]: T[K] | null };

export function passwdByUid(uid: number): PasswdEntry | null {
  const found = lookUp<Decoded<PasswdEntry>>((entry, strings, result) => native.getpwuidR(uid, entry, strings, strings.length, result), structLayouts().passwd);
  if (found === null) return null;
  return { name: found.name ?? '', uid: found.uid ?? uid, gid: found.gid ?? 0, gecos: found.gecos ?? '', home: found.home ?? '', shell: found.shell ?? '' };
}

export function groupByGid(gid: number): GroupEntry | null {
  const found = lookUp<Decoded<GroupEntry>>((entry, strings, result) => native.getgrgidR(gid, entry, strings, strings.length, result), structLayouts().group);
  return found === null ? null : { name: found.name ?? '', gid: found.gid ?? gid };
}
