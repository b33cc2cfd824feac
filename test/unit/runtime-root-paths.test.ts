// Paths inside a root filesystem: symlinks can never lead a lookup or a creation out of it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInside, isExecutableInside, isSymlinkFree, openIfPresent, readFileInside, statInside } from '../../src/runtime/root-paths.js';
import { closeFd, openPath } from '../../src/sys/files.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-root-paths-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));
const root = path.join(base, 'root');
const outside = path.join(base, 'outside');
fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
fs.mkdirSync(outside);
fs.writeFileSync(path.join(outside, 'secret'), 'host secret\n');
fs.writeFileSync(path.join(root, 'etc', 'inside'), 'inside\n');
fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'etc', 'absolute'));
fs.symlinkSync('../../../../../../outside/secret', path.join(root, 'etc', 'relative'));
fs.symlinkSync(`${outside}/made`, path.join(root, 'etc', 'dangling'));
fs.symlinkSync('/', path.join(root, 'hostroot'));
const rootFd = openPath(root);
after(() => closeFd(rootFd));

test('reading through symlinks stays inside the root', () => {
  assert.equal(readFileInside(rootFd, '/etc/inside'), 'inside\n');
  assert.equal(readFileInside(rootFd, '/etc/absolute'), null);
  assert.equal(readFileInside(rootFd, '/etc/relative'), null);
  assert.equal(readFileInside(rootFd, `/hostroot${outside}/secret`), null);
  assert.equal(readFileInside(rootFd, '/../../etc/inside'), 'inside\n', '.. stops at the root');
  assert.equal(openIfPresent(rootFd, '/missing/file'), null);
});

test('creation follows a dangling symlink to its destination inside the root, never outside', () => {
  createInside(rootFd, '/etc/dangling', 'file', 0);
  assert.ok(!fs.existsSync(path.join(outside, 'made')));
  const created = fs.statSync(path.join(root, outside, 'made'));
  assert.ok(created.isFile());
  assert.equal(created.mode & 0o777, 0);
  createInside(rootFd, `/hostroot${outside}/dir/sub`, 'dir', 0);
  assert.ok(!fs.existsSync(path.join(outside, 'dir')));
  assert.ok(fs.statSync(path.join(root, outside, 'dir', 'sub')).isDirectory());
  assert.equal(fs.statSync(path.join(root, outside, 'dir')).mode & 0o777, 0o755 & ~process.umask());
});

test('a path is symlink-free when no existing component is a symlink or ..; missing components end the check', () => {
  assert.ok(isSymlinkFree(rootFd, '/etc/inside'));
  assert.ok(isSymlinkFree(rootFd, '/etc/missing/deeper'));
  assert.ok(isSymlinkFree(rootFd, '/'));
  assert.ok(!isSymlinkFree(rootFd, '/etc/absolute'), 'the last component counts');
  assert.ok(!isSymlinkFree(rootFd, '/etc/dangling'));
  assert.ok(!isSymlinkFree(rootFd, '/hostroot/etc'));
  assert.ok(!isSymlinkFree(rootFd, '/etc/../etc/inside'));
});

test('stat and the execute test resolve inside the root', () => {
  assert.ok(statInside(rootFd, '/etc/inside')?.isFile());
  assert.ok(statInside(rootFd, '/etc')?.isDirectory());
  assert.equal(statInside(rootFd, '/etc/absolute'), null, 'the host file is not reached');
  assert.equal(statInside(rootFd, '/etc/inside/below'), null);
  fs.writeFileSync(path.join(root, 'etc', 'tool'), '#!/bin/sh\n', { mode: 0o755 });
  fs.symlinkSync('/etc/tool', path.join(root, 'etc', 'tool-link'));
  assert.ok(isExecutableInside(rootFd, '/etc/tool-link'), 'an absolute link is followed inside the root');
  assert.ok(!isExecutableInside(rootFd, '/etc/missing'));
});
