// The pure half of 10-shadow: reading login.defs-style settings, the entries enroot puts first in the
// container's /etc/passwd and /etc/group, and merging them with the image's lines. Texts are byte
// strings (latin1), so that lines in any encoding come out exactly as they went in.

/** The last value of each key in a login.defs-style text (comments dropped, `=` and `"` read as blanks). */
export function loginDefs(text: string, keys: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').replace(/[="]/g, ' ').split(/[ \t]+/).filter((field) => field !== '');
    if (fields.length >= 2 && keys.includes(fields[0] as string)) values.set(fields[0] as string, fields[1] as string);
  }
  return values;
}

/** The caller as the host's databases list it: its passwd entry, and the name of its group. */
export interface Caller {
  user: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  group: string;
}

export interface Overflow {
  uid: string;
  gid: string;
}

/** A text (UTF-8 from NSS) as the byte string the database texts are. */
function bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** root, nobody and the caller (when the host knows it), in that order, with the login shell chosen for the container. */
export function passwdEntries(shell: string, overflow: Overflow, caller: Caller | null): string[] {
  const entries = [`root:x:0:0:root:/root:${shell}`, `nobody:x:${overflow.uid}:${overflow.gid}:nobody:/:/sbin/nologin`];
  if (caller !== null) entries.push(`${caller.user}:x:${caller.uid}:${caller.gid}:${caller.gecos}:${caller.home}:${shell}`);
  return entries.map(bytes);
}

export function groupEntries(overflow: Overflow, caller: Caller | null): string[] {
  const entries = ['root:x:0:', `nogroup:x:${overflow.gid}:`];
  if (caller !== null) entries.push(`${caller.group}:x:${caller.gid}:`);
  return entries.map(bytes);
}

function records(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/**
 * `entries` first, then the lines of `existing` whose names they lack: a name keeps its first line,
 * and lines without exactly `fields` colon-separated fields, without a name, or of `_apt` (a user the
 * namespace cannot switch to) are dropped.
 */
export function mergeDatabase(entries: readonly string[], existing: string, fields: number): string {
  const seen = new Set<string>();
  let merged = '';
  for (const line of [...entries, ...records(existing)]) {
    const parts = line === '' ? [] : line.split(':');
    const name = parts[0] ?? '';
    if (parts.length !== fields || name === '' || name === '_apt' || seen.has(name)) continue;
    seen.add(name);
    merged += `${line}\n`;
  }
  return merged;
}
