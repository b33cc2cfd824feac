// A runnable image loaded into a directory (layers + generated configuration) works: its /etc/rc, run by
// the image's own busybox sh inside the root filesystem, enters the working directory it created and runs
// the entrypoint with hostile arguments intact; /.enroot/source records where it came from.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxLayer, makeLayer, type LayerBlob } from '../fixtures/images.js';
import { loadAs, writeLayerFiles } from '../fixtures/layer-load-run.js';
import { makeUserTempDir, testUsers } from '../fixtures/users.js';

const MANIFEST = `sha256:${'12'.repeat(32)}`;
const HOSTILE = ["it's", '$(id)', '`id`', 'two\nlines', '', '"; exit 3; "', '*'];
const CONFIG = {
  architecture: 'amd64',
  config: {
    Entrypoint: ['/bin/sh', '-c', 'pwd; for a; do echo "[$a]"; done', 'sh'],
    Cmd: HOSTILE,
    WorkingDir: '/srv/work "dir" $(id)',
    Env: ['PATH=/bin', 'QUOTED="x"'],
    Labels: { 'evil\nkey': 'value\nexit 4' },
  },
};
const canUnshare = spawnSync('unshare', ['--user', '--map-root-user', 'true']).status === 0;

describe('a busybox image loaded into a directory', () => {
  let scratch: string;
  let blobs: LayerBlob[];
  before(async () => {
    scratch = mkdtempSync('/dev/shm/enroot-layers-busybox-');
    chmodSync(scratch, 0o755);
    blobs = [await makeLayer(busyboxLayer()), await makeLayer({ entries: [{ path: 'etc', type: 'directory', mode: 0o751 }, { path: 'etc/rc', content: 'exit 9\n' }], compression: 'zstd' })];
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const user of testUsers()) {
    it(`runs its /etc/rc as ${user.name}`, { skip: user.uid !== 0 && !canUnshare && 'no unprivileged user namespaces' }, () => {
      const home = makeUserTempDir(user, 'enroot-busybox-');
      try {
        const target = join(home.dir, 'rootfs');
        const origin = { kind: 'registry' as const, registry: 'registry-1.docker.io', repository: 'library/busybox', tag: 'latest', manifestDigest: MANIFEST };
        loadAs(user, writeLayerFiles(blobs, scratch), target, { config: CONFIG, origin });
        assert.equal(readFileSync(join(target, '.enroot/source'), 'utf8'), `uri=docker://registry-1.docker.io#library/busybox:latest\ndigest=${MANIFEST}\n`);
        assert.equal(lstatSync(join(target, 'etc')).mode & 0o7777, 0o751);
        assert.equal(lstatSync(join(target, 'bin/busybox')).uid, user.uid);
        const chroot = user.uid === 0 ? ['chroot', target] : ['unshare', '--user', '--map-root-user', 'chroot', target];
        const run = (args: string[]): string => execFileSync(chroot[0]!, [...chroot.slice(1), '/bin/sh', '/etc/rc', ...args], {
          encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, ...(user.uid === 0 ? {} : { uid: user.uid, gid: user.gid }),
        });
        assert.equal(run([]), `/srv/work "dir" $(id)\n${HOSTILE.map((arg) => `[${arg}]\n`).join('')}`);
        assert.equal(run(['a b']), '/srv/work "dir" $(id)\n[a b]\n');
        assert.ok(lstatSync(join(target, 'srv/work "dir" $(id)')).isDirectory());
      } finally {
        home.remove();
      }
    });
  }
});
