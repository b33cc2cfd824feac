// Host user and group lookups through the C library answer as getent does (NSS included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { groupByGid, passwdByUid } from '../../src/sys/users.js';

function getent(database: string, key: number): string[] | null {
  try {
    return execFileSync('getent', [database, String(key)], { encoding: 'utf8' }).trim().split(':');
  } catch {
    return null;
  }
}

const UNUSED_ID = 2_000_000_000;

test('passwd by uid: the fields getent prints', () => {
  for (const uid of [0, process.getuid?.() ?? 0, 65534]) {
    const expected = getent('passwd', uid);
    const entry = passwdByUid(uid);
    if (expected === null) {
      assert.equal(entry, null);
      continue;
    }
    const [name, , id, gid, gecos, home, shell] = expected;
    assert.deepEqual(entry, { name, uid: Number(id), gid: Number(gid), gecos, home, shell });
  }
  assert.equal(passwdByUid(UNUSED_ID), null);
});

test('group by gid: the name getent prints', () => {
  for (const gid of [0, process.getgid?.() ?? 0]) {
    const expected = getent('group', gid);
    assert.deepEqual(groupByGid(gid), expected === null ? null : { name: expected[0], gid: Number(expected[2]) });
  }
  assert.equal(groupByGid(UNUSED_ID), null);
});
