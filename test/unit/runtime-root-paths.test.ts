// Paths inside a root filesystem: symlinks can never lead a lookup or a creation out of it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInside, openIfPresent, readFileInside } from '../../src/runtime/root-paths.js';
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
