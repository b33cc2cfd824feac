// The host identity of the user who started the container, as hooks see it (common::getpwent and
// common::getgrent): the outer ids of this namespace's id maps, looked up in the host's databases.
import fs from 'node:fs';
import { groupByGid, passwdByUid, type GroupEntry, type PasswdEntry } from '../sys/users.js';

/** The host id behind the namespace: the second field of the first line of /proc/self/uid_map or gid_map. */
export function outerId(kind: 'uid' | 'gid'): number {
  const [, outer] = fs.readFileSync(`/proc/self/${kind}_map`, 'utf8').trim().split(/\s+/);
  return Number(outer);
}

export function callerPasswd(): PasswdEntry | null {
  return passwdByUid(outerId('uid'));
}

export function callerGroup(): GroupEntry | null {
  return groupByGid(outerId('gid'));
}
