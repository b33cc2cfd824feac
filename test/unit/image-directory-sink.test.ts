import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DirectorySink } from '../../src/image/directory-sink.js';
import { containerMode } from '../../src/image/fixperms.js';

const SCRATCH_PARENT = existsSync('/dev/shm') ? '/dev/shm' : undefined;
const meta = (mode: number, mtime = 1_600_000_000) => ({ mode, uid: 1234, gid: 5678, mtime });
const isRoot = process.getuid?.() === 0;

describe('directory sink', () => {
  let scratch: string;
  before(() => { scratch = mkdtempSync(join(SCRATCH_PARENT ?? '/tmp', 'enroot-dirsink-')); });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const leftovers = (): string[] => readdirSync(scratch).filter((name) => name.startsWith('.'));

  it('writes the tree under a temporary name and renames it into place', async () => {
    const target = join(scratch, 'tree');
    const sink = await DirectorySink.create(target);
    assert.ok(existsSync(sink.temporaryPath));
    await sink.addFile('usr/bin/tool', meta(0o4755), 5, [Buffer.from('tool\n')]);
    await sink.addDirectory('usr', meta(0o555));
    await sink.addHardlink('usr/bin/alias', 'usr/bin/tool');
    await sink.addSymlink('usr/lib64', meta(0o777), 'lib');
    await sink.addFile('etc/shadow', meta(0o000), 0, []);
    await sink.addFifo('run/fifo', meta(0o644));
    await sink.addDirectory('', meta(0o700));
    assert.equal(existsSync(target), false);
    await sink.finish();
    assert.deepEqual(leftovers(), []);
    const tool = statSync(join(target, 'usr/bin/tool'));
    assert.equal(readFileSync(join(target, 'usr/bin/tool'), 'utf8'), 'tool\n');
    assert.equal(tool.mode & 0o7777, 0o755, 'setuid cleared');
    assert.equal(tool.mtimeMs, 1_600_000_000_000);
    assert.equal(statSync(join(target, 'usr/bin/alias')).ino, tool.ino);
    assert.equal(readlinkSync(join(target, 'usr/lib64')), 'lib');
    assert.equal(statSync(join(target, 'usr')).mode & 0o7777, 0o755, 'owner write added to directories');
    assert.equal(statSync(join(target, 'etc/shadow')).mode & 0o7777, 0o400, 'owner read added');
    assert.ok(lstatSync(join(target, 'run/fifo')).isFIFO());
    assert.equal(statSync(target).mode & 0o7777, 0o700);
    assert.equal(tool.uid, isRoot ? 1234 : process.getuid!());
  });

  it('refuses to write through a symlink it created, or outside with .. names', async () => {
    const outside = join(scratch, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), 'secret');
    const sink = await DirectorySink.create(join(scratch, 'hostile'));
    await sink.addSymlink('evil', meta(0o777), outside);
    await assert.rejects(sink.addFile('evil/planted', meta(0o644), 1, [Buffer.from('x')]), /not a directory in the root filesystem/);
    await assert.rejects(sink.addDirectory('evil/sub', meta(0o755)), /not a directory in the root filesystem/);
    await assert.rejects(sink.addFile('../planted', meta(0o644), 1, [Buffer.from('x')]), /not a normalised path/);
    await assert.rejects(sink.addHardlink('h', '../../etc/passwd'), /not a normalised path/);
    await assert.rejects(sink.addSymlink('/abs', meta(0o777), 'x'), /not a normalised path/);
    await sink.addHardlink('stolen', 'evil/secret');
    await assert.rejects(sink.finish(), /not a directory in the root filesystem/);
    assert.deepEqual(readdirSync(outside), ['secret']);
    assert.equal(existsSync(join(scratch, 'planted')), false);
    assert.equal(existsSync(join(scratch, 'hostile')), false);
    assert.deepEqual(leftovers(), []);
  });

  it('does not replace an existing target unless asked, and replaces it only once the new tree exists', async () => {
    const target = join(scratch, 'existing');
    mkdirSync(target);
    writeFileSync(join(target, 'old'), 'old');
    const refused = await DirectorySink.create(target);
    await refused.addFile('new', meta(0o644), 0, []);
    await assert.rejects(refused.finish(), /File already exists: .*existing/);
    assert.ok(existsSync(join(target, 'old')));
    const replacing = await DirectorySink.create(target);
    await replacing.addFile('new', meta(0o644), 0, []);
    await replacing.finish({ replace: true });
    assert.deepEqual(readdirSync(target), ['new']);
    assert.deepEqual(leftovers(), []);
  });

  it('removes everything on abort', async () => {
    const sink = await DirectorySink.create(join(scratch, 'aborted'));
    await sink.addFile('a/b/c', meta(0o644), 0, []);
    await sink.abort();
    assert.deepEqual(leftovers(), []);
    assert.equal(existsSync(join(scratch, 'aborted')), false);
  });

  it('never creates device nodes, even for root: they are left out with a warning', async () => {
    for (const keepOwnership of [false, true]) {
      const warnings: string[] = [];
      const name = keepOwnership ? 'as-root' : 'as-user';
      const sink = await DirectorySink.create(join(scratch, name), { keepOwnership, warn: (m) => warnings.push(m) });
      await sink.addDevice('mem', meta(0o666), 'char', 1, 1);
      await sink.finish();
      assert.equal(existsSync(join(scratch, name, 'mem')), false);
      assert.match(warnings.join('\n'), /1 device node\(s\) left out .*not created on the host/);
    }
  });
});

describe('container modes (fixperms + setuid/setgid cleared)', () => {
  it('adds owner read, owner execute where someone may execute, owner write on directories', () => {
    assert.equal(containerMode(0o000, false), 0o400);
    assert.equal(containerMode(0o000, true), 0o700);
    assert.equal(containerMode(0o555, true), 0o755);
    assert.equal(containerMode(0o011, false), 0o511);
    assert.equal(containerMode(0o6755, false), 0o755);
    assert.equal(containerMode(0o3775, true), 0o1775);
  });
});
