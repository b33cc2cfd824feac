// The file operations of the built-in standard hooks: what the scripts did with printf >, mv, ln -sfn,
// mkdir -p and cp -R, with the same modes, and never through a symlink out of the rootfs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyTreeInside, makeDirectories, replaceFileInside, replaceWithSymlink, withUmask, writeFileInside } from '../../src/runtime/standard-hooks/rootfs-files.js';
import { closeFd, openPath } from '../../src/sys/files.js';
import { SysError } from '../../src/sys/libc.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-hook-files-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));
const root = path.join(base, 'root');
const outside = path.join(base, 'outside');
fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
fs.mkdirSync(outside);
const rootFd = openPath(root);
after(() => closeFd(rootFd));

function modeOf(file: string): number {
  return fs.lstatSync(path.join(root, file)).mode & 0o7777;
}

test('writing creates the file with 0666 minus umask, or truncates it, and refuses a symlink in its name', () => {
  withUmask(0o022, () => writeFileInside(rootFd, '/etc/new', 'first\n'));
  assert.equal(modeOf('etc/new'), 0o644);
  fs.chmodSync(path.join(root, 'etc', 'new'), 0o600);
  writeFileInside(rootFd, '/etc/new', 'second\n');
  assert.equal(fs.readFileSync(path.join(root, 'etc', 'new'), 'utf8'), 'second\n');
  assert.equal(modeOf('etc/new'), 0o600, 'an existing file keeps its mode');
  fs.symlinkSync(path.join(outside, 'target'), path.join(root, 'etc', 'link'));
  assert.throws(() => writeFileInside(rootFd, '/etc/link', 'x'), (err) => err instanceof SysError && err.message === 'cannot write /etc/link: Too many levels of symbolic links');
  assert.ok(!fs.existsSync(path.join(outside, 'target')));
});

test('replacing renames a fresh file of exactly the given mode over the old one, whatever the umask and a stale temporary', () => {
  fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'old\n', { mode: 0o600 });
  fs.writeFileSync(path.join(outside, 'victim'), 'host\n');
  fs.symlinkSync(path.join(outside, 'victim'), path.join(root, 'etc', 'passwd.enroot'));
  withUmask(0o077, () => replaceFileInside(rootFd, '/etc/passwd', 'new\n', 0o644));
  assert.equal(fs.readFileSync(path.join(root, 'etc', 'passwd'), 'utf8'), 'new\n');
  assert.equal(modeOf('etc/passwd'), 0o644);
  assert.equal(fs.readFileSync(path.join(outside, 'victim'), 'utf8'), 'host\n', 'the stale symlink was replaced, not followed');
  assert.ok(!fs.existsSync(path.join(root, 'etc', 'passwd.enroot')));
});

test('a symlink replaces what is there, file or symlink, and its directory is resolved inside the root', () => {
  fs.writeFileSync(path.join(root, 'etc', 'localtime'), 'zone data');
  replaceWithSymlink(rootFd, '/etc/localtime', '/usr/share/zoneinfo/UTC');
  assert.equal(fs.readlinkSync(path.join(root, 'etc', 'localtime')), '/usr/share/zoneinfo/UTC');
  replaceWithSymlink(rootFd, '/etc/localtime', '../usr/share/zoneinfo/Europe/Paris');
  assert.equal(fs.readlinkSync(path.join(root, 'etc', 'localtime')), '../usr/share/zoneinfo/Europe/Paris');
  fs.symlinkSync(outside, path.join(root, 'away'));
  assert.throws(() => replaceWithSymlink(rootFd, '/away/fd', '/proc/self/fd'), SysError, 'the host directory is not reached: it is missing inside the root');
  assert.deepEqual(fs.readdirSync(outside).filter((name) => name.startsWith('fd')), []);
});

test('mkdir -p and cp -R: modes minus umask, symlinks copied as symlinks, nothing written outside', () => {
  const skel = path.join(root, 'etc', 'skel');
  fs.mkdirSync(path.join(skel, '.config', 'sub'), { recursive: true });
  fs.chmodSync(path.join(skel, '.config'), 0o755);
  fs.writeFileSync(path.join(skel, '.profile'), 'profile\n', { mode: 0o644 });
  fs.writeFileSync(path.join(skel, '.config', 'sub', 'run'), '#!/bin/sh\n', { mode: 0o755 });
  fs.symlinkSync('.profile', path.join(skel, 'relative'));
  fs.symlinkSync(path.join(outside, 'victim'), path.join(skel, 'absolute'));
  withUmask(0o027, () => {
    makeDirectories(rootFd, '/home/alice');
    copyTreeInside(rootFd, '/etc/skel', '/home/alice');
  });
  assert.equal(modeOf('home'), 0o750);
  assert.equal(modeOf('home/alice'), 0o750);
  assert.equal(fs.readFileSync(path.join(root, 'home', 'alice', '.profile'), 'utf8'), 'profile\n');
  assert.equal(modeOf('home/alice/.profile'), 0o640);
  assert.equal(modeOf('home/alice/.config'), 0o750);
  assert.equal(modeOf('home/alice/.config/sub/run'), 0o750);
  assert.equal(fs.readlinkSync(path.join(root, 'home', 'alice', 'relative')), '.profile');
  assert.equal(fs.readlinkSync(path.join(root, 'home', 'alice', 'absolute')), path.join(outside, 'victim'));
});
