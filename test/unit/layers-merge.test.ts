import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { mergeLayers } from '../../src/layers/index.js';
import tar from 'tar-stream';
import { makeLayer, type TarEntry } from '../fixtures/images.js';
import { IMPLICIT_META, mergeRecorded, RecordingSink } from '../fixtures/layer-recording.js';

const dir = (path: string, extra: Partial<TarEntry> = {}): TarEntry => ({ path, type: 'directory', ...extra });
const file = (path: string, content: string, extra: Partial<TarEntry> = {}): TarEntry => ({ path, content, ...extra });
const link = (path: string, linkname: string): TarEntry => ({ path, type: 'link', linkname });
const symlink = (path: string, linkname: string): TarEntry => ({ path, type: 'symlink', linkname });

describe('layer merge: OCI rules', () => {
  it('unions layers, the upper file winning and the top-most directory giving its metadata', async () => {
    const { sink, warnings } = await mergeRecorded([
      { entries: [dir('etc', { mode: 0o700 }), file('etc/a', 'lower a'), file('etc/b', 'lower b')] },
      { entries: [dir('etc', { mode: 0o750 }), file('etc/a', 'upper a')] },
    ]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(sink.summary(), { '': 'd', etc: 'd', 'etc/a': 'f:upper a', 'etc/b': 'f:lower b' });
    const etc = sink.entries.get('etc');
    assert.equal(etc?.type === 'directory' && etc.meta.mode, 0o750);
  });

  it('whiteouts remove lower files and whole lower directories, not their own layer', async () => {
    const { sink } = await mergeRecorded([
      { entries: [file('a', 'a'), dir('d'), file('d/x', 'x'), dir('d/sub'), file('d/sub/y', 'y'), file('keep', 'k')] },
      { entries: [file('.wh.a', ''), dir('d'), file('d/.wh.sub', ''), file('d/.wh.x', ''), file('d/x', 'new x')] },
    ]);
    assert.deepEqual(sink.summary(), { '': 'd', d: 'd', 'd/x': 'f:new x', keep: 'f:k' });
  });

  it('a whiteout in a lower layer does not touch upper content', async () => {
    const { sink } = await mergeRecorded([
      { entries: [file('a', 'base')] },
      { entries: [file('.wh.a', '')] },
      { entries: [file('a', 'top')] },
    ]);
    assert.equal(sink.text('a'), 'top');
  });

  it('an opaque directory hides lower content and keeps its own, before or after the marker', async () => {
    const { sink } = await mergeRecorded([
      { entries: [dir('d', { mode: 0o700 }), file('d/old', 'old'), dir('d/sub'), file('d/sub/z', 'z'), file('other', 'o')] },
      { entries: [dir('d', { mode: 0o711 }), file('d/first', '1'), file('d/.wh..wh..opq', ''), file('d/second', '2')] },
    ]);
    assert.deepEqual(sink.summary(), { '': 'd', d: 'd', 'd/first': 'f:1', 'd/second': 'f:2', other: 'f:o' });
    const d = sink.entries.get('d');
    assert.equal(d?.type === 'directory' && d.meta.mode, 0o711);
  });

  it('replaces a lower directory by a file and a lower file by a directory', async () => {
    const { sink } = await mergeRecorded([
      { entries: [dir('x'), file('x/inside', 'i'), file('y', 'file y')] },
      { entries: [file('x', 'now a file'), dir('y'), file('y/inside', 'j')] },
    ]);
    assert.deepEqual(sink.summary(), { '': 'd', x: 'f:now a file', y: 'd', 'y/inside': 'f:j' });
  });

  it('an upper directory implied by its children replaces a lower symlink', async () => {
    const { sink } = await mergeRecorded([
      { entries: [symlink('lib', '/usr/lib')] },
      { entries: [file('lib/x', 'x')] },
    ]);
    assert.deepEqual(sink.summary(), { '': 'd', lib: 'd', 'lib/x': 'f:x' });
  });

  it('directories no layer describes get the implicit metadata', async () => {
    const { sink } = await mergeRecorded([{ entries: [file('a/b/c', 'c')] }]);
    for (const path of ['', 'a', 'a/b']) assert.deepEqual(sink.entries.get(path), { type: 'directory', meta: IMPLICIT_META });
  });

  it('leaves out members below dev/ but keeps dev itself', async () => {
    const { sink } = await mergeRecorded([{ entries: [dir('dev'), file('dev/null', 'x'), file('./dev/zero', 'x'), { path: 'dev/sda', type: 'block-device', devmajor: 8 }] }]);
    assert.deepEqual(sink.summary(), { '': 'd', dev: 'd' });
  });

  it('warns about unsupported .wh..wh. markers and leaves them out', async () => {
    const { sink, warnings } = await mergeRecorded([{ entries: [file('.wh..wh.plnk', ''), file('a', 'a')] }]);
    assert.deepEqual(sink.summary(), { '': 'd', a: 'f:a' });
    assert.match(warnings.join('\n'), /unsupported whiteout '\.wh\.\.wh\.plnk'/);
  });
});

describe('layer merge: hardlinks', () => {
  it('links names of one layer together', async () => {
    const { sink } = await mergeRecorded([{ entries: [file('bin/a', 'same'), link('bin/b', 'bin/a'), link('bin/c', 'bin/a')] }]);
    assert.deepEqual(sink.entries.get('bin/b'), { type: 'hardlink', target: 'bin/a' });
    assert.deepEqual(sink.entries.get('bin/c'), { type: 'hardlink', target: 'bin/a' });
  });

  it('keeps the lower content when an upper layer replaces the target (read again from the blob)', async () => {
    const { sink, warnings } = await mergeRecorded([
      { entries: [file('t', 'lower content'), link('h', 't'), link('h2', 't')] },
      { entries: [file('t', 'upper content')] },
    ]);
    assert.deepEqual(warnings, []);
    assert.equal(sink.text('t'), 'upper content');
    assert.equal(sink.text('h'), 'lower content');
    assert.deepEqual(sink.entries.get('h2'), { type: 'hardlink', target: 'h' });
  });

  it('resolves a link to a lower layer, sharing the inode when the target survives', async () => {
    const { sink } = await mergeRecorded([
      { entries: [file('t', 'base'), file('u', 'base u')] },
      { entries: [link('h', 't'), link('hu', 'u')] },
      { entries: [file('u', 'replaced u')] },
    ]);
    assert.deepEqual(sink.entries.get('h'), { type: 'hardlink', target: 't' });
    assert.equal(sink.text('hu'), 'base u');
    assert.equal(sink.text('u'), 'replaced u');
  });

  it('a link whose target a layer in between whited out dangles, with a warning', async () => {
    const { sink, warnings } = await mergeRecorded([
      { entries: [file('t', 'base')] },
      { entries: [file('.wh.t', '')] },
      { entries: [link('h', 't')] },
    ]);
    assert.equal(sink.entries.has('h'), false);
    assert.equal(sink.entries.has('t'), false);
    assert.match(warnings.join('\n'), /hardlink \/h: its target \/t is not in the layers below it/);
  });

  it('a hidden link target that is a symlink is recreated at the link', async () => {
    const { sink } = await mergeRecorded([
      { entries: [symlink('s', 'somewhere'), link('h', 's')] },
      { entries: [file('s', 'replaced')] },
    ]);
    assert.deepEqual(sink.entries.get('h')?.type === 'symlink' && sink.entries.get('h'), { type: 'symlink', target: 'somewhere', meta: (sink.entries.get('h') as { meta: unknown }).meta });
  });
});

describe('layer merge: names', () => {
  it('normalises ./ prefixes, absolute names and . components', async () => {
    const { sink } = await mergeRecorded([{ entries: [file('./a', 'a'), file('/b', 'b'), file('c/./d', 'd'), file('.//e//f', 'f')] }]);
    assert.deepEqual(Object.keys(sink.summary()).sort(), ['', 'a', 'b', 'c', 'c/d', 'e', 'e/f']);
  });

  it('refuses .. components with a warning, including in hardlink targets', async () => {
    const { sink, warnings } = await mergeRecorded([{ entries: [
      file('../escape', 'x'), file('a/../../etc/passwd', 'x'), file('ok', 'ok'), link('h', '../../etc/shadow'),
    ] }]);
    assert.deepEqual(sink.summary(), { '': 'd', ok: 'f:ok' });
    assert.equal(warnings.length, 3);
  });

  it('drops an entry below a symlink of its own layer instead of following it', async () => {
    const { sink, warnings } = await mergeRecorded([{ entries: [symlink('evil', '/etc'), file('evil/passwd', 'pwned')] }]);
    assert.deepEqual(sink.summary(), { '': 'd', evil: 'l:/etc' });
    assert.match(warnings.join('\n'), /'evil' is not a directory in the same layer/);
  });

  it('keeps long and non-ASCII names', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(150)}`;
    const { sink } = await mergeRecorded([{ entries: [file(long, 'long'), file('héllo wörld ☃', 'snow')] }]);
    assert.equal(sink.text(long), 'long');
    assert.equal(sink.text('héllo wörld ☃'), 'snow');
  });
});

describe('layer merge: members and decoding', () => {
  it('passes xattrs, ownership, large ids and modes through', async () => {
    const { sink } = await mergeRecorded([{ entries: [
      file('x', 'x', { mode: 0o4755, uid: 3000000, gid: 12, xattrs: { 'user.note': 'hello', 'security.selinux': 'ctx' } }),
    ] }]);
    const x = sink.entries.get('x');
    assert.ok(x?.type === 'file');
    assert.equal(x.meta.mode, 0o4755);
    assert.equal(x.meta.uid, 3000000);
    assert.equal(x.meta.gid, 12);
    assert.deepEqual(x.meta.xattrs, { 'user.note': Buffer.from('hello'), 'security.selinux': Buffer.from('ctx') });
  });

  it('reads fractional PAX mtimes', async () => {
    const tar = await packTarWithPax('f', { mtime: '1700000000.25' });
    const sink = new RecordingSink();
    await mergeLayers({ sink, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', open: () => Readable.from([tar]) }], implicitDirectoryMeta: IMPLICIT_META, warn: () => {} });
    const f = sink.entries.get('f');
    assert.equal(f?.type === 'file' && f.meta.mtime, 1700000000.25);
  });

  it('decodes gzip, zstd and plain layers, also when the media type lies', async () => {
    const layers = await Promise.all([
      makeLayer({ entries: [file('g', 'gzip')], compression: 'gzip' }),
      makeLayer({ entries: [file('z', 'zstd')], compression: 'zstd' }),
      makeLayer({ entries: [file('n', 'none')], compression: 'none' }),
      makeLayer({ entries: [file('lie', 'gzip labelled tar')], compression: 'gzip' }),
    ]);
    const mediaTypes = [layers[0]!.mediaType, layers[1]!.mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.oci.image.layer.v1.tar'];
    const sink = new RecordingSink();
    await mergeLayers({
      sink, implicitDirectoryMeta: IMPLICIT_META, warn: () => {},
      layers: layers.map((layer, index) => ({ mediaType: mediaTypes[index]!, open: () => Readable.from([layer.bytes]) })),
    });
    assert.deepEqual(sink.summary(), { '': 'd', g: 'f:gzip', lie: 'f:gzip labelled tar', n: 'f:none', z: 'f:zstd' });
  });

  it('fails with the layer named when its stream fails midway, for every compression', async () => {
    for (const compression of ['gzip', 'zstd', 'none'] as const) {
      const layer = await makeLayer({ entries: [file('a', 'a'.repeat(200000))], compression });
      const failing = (): Readable => Readable.from((async function* () {
        yield layer.bytes.subarray(0, 1000);
        throw new Error('connection reset');
      })());
      await assert.rejects(
        mergeLayers({ sink: new RecordingSink(), implicitDirectoryMeta: IMPLICIT_META, layers: [{ mediaType: layer.mediaType, open: failing, description: 'sha256:net' }] }),
        /sha256:net: could not read the layer: connection reset/,
        compression,
      );
    }
  });

  it('fails with the layer named when a layer is corrupt', async () => {
    const good = await makeLayer({ entries: [file('a', 'a'.repeat(5000))], compression: 'gzip' });
    const truncated = good.bytes.subarray(0, good.bytes.length - 20);
    await assert.rejects(
      mergeLayers({ sink: new RecordingSink(), implicitDirectoryMeta: IMPLICIT_META, layers: [{ mediaType: good.mediaType, open: () => Readable.from([truncated]), description: 'sha256:abc' }] }),
      /sha256:abc/,
    );
  });
});

describe('layer merge: generated entries and created directories', () => {
  it('generated entries replace layer content; directories are created through symlinks inside the tree', async () => {
    const meta = { mode: 0o644, uid: 0, gid: 0, mtime: 5 };
    const { sink } = await mergeRecorded([
      { entries: [dir('etc', { mode: 0o700 }), file('etc/rc', 'image rc'), dir('run'), dir('var'), symlink('var/run', '../run')] },
    ], {
      generated: [{ path: 'etc/rc', type: 'file', meta, content: Buffer.from('generated rc') }],
      ensureDirectories: ['/var/run/app/data'],
    });
    assert.equal(sink.text('etc/rc'), 'generated rc');
    const etc = sink.entries.get('etc');
    assert.equal(etc?.type === 'directory' && etc.meta.mode, 0o700);
    assert.equal(sink.entries.get('var/run')?.type, 'symlink');
    assert.equal(sink.entries.get('run/app')?.type, 'directory');
    assert.equal(sink.entries.get('run/app/data')?.type, 'directory');
  });
});

describe('layer merge: directories created after the merge', () => {
  it('never leave the tree through .. and stop at symlink loops with a warning', async () => {
    const { sink, warnings } = await mergeRecorded([
      { entries: [symlink('loop', 'loop'), dir('opt')] },
    ], { ensureDirectories: ['/../../opt/../../srv/app', '/loop/x'] });
    assert.equal(sink.entries.get('srv/app')?.type, 'directory');
    assert.equal(sink.entries.has('loop/x'), false);
    assert.match(warnings.join('\n'), /cannot create the directory \/loop\/x/);
  });
});

/** A one-file tar with extra PAX records (the fixture writer sets no mtime record). */
async function packTarWithPax(name: string, pax: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name, pax }, 'content');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('layer merge: archives written by GNU tar', () => {
  const gnuTar = (format: string, build: (dir: string) => void, extra: string[] = []): Buffer => {
    const dir = mkdtempSync(join(tmpdir(), 'enroot-gnutar-'));
    try {
      build(join(dir, 'src'));
      execFileSync('tar', ['-c', `--format=${format}`, ...extra, '-f', join(dir, 'layer.tar'), '-C', join(dir, 'src'), '.']);
      return readFileSync(join(dir, 'layer.tar'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const merge = async (tar: Buffer): Promise<{ sink: RecordingSink; warnings: string[] }> => {
    const sink = new RecordingSink();
    const warnings: string[] = [];
    await mergeLayers({ sink, implicitDirectoryMeta: IMPLICIT_META, warn: (m) => warnings.push(m), layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', open: () => Readable.from([tar]) }] });
    return { sink, warnings };
  };
  const longName = `${'a'.repeat(150)}/${'b'.repeat(150)}`;
  const longTarget = `/${'t'.repeat(200)}`;
  const build = (src: string): void => {
    mkdirSync(join(src, 'a'.repeat(150)), { recursive: true });
    writeFileSync(join(src, longName), 'long');
    symlinkSync(longTarget, join(src, 'link'));
    linkSync(join(src, longName), join(src, 'hard'));
    writeFileSync(join(src, 'frac'), 'f');
    utimesSync(join(src, 'frac'), 1_700_000_000.5, 1_700_000_000.5);
  };

  for (const format of ['gnu', 'posix']) {
    it(`reads long names, long link targets and hardlinks (${format} format)`, async () => {
      const { sink, warnings } = await merge(gnuTar(format, build));
      assert.deepEqual(warnings, []);
      assert.equal(sink.text(longName), 'long');
      assert.deepEqual((sink.entries.get('link') as { target: string }).target, longTarget);
      assert.ok(sink.entries.get('hard')?.type === 'hardlink' || sink.entries.get(longName)?.type === 'hardlink');
      const frac = sink.entries.get('frac');
      assert.ok(frac?.type === 'file');
      if (format === 'posix') assert.equal(frac.meta.mtime, 1_700_000_000.5);
    });
  }

  for (const format of ['gnu', 'posix']) {
    it(`leaves out sparse members with a warning (${format} format)`, async () => {
      const tar = gnuTar(format, (src) => {
        mkdirSync(src);
        writeFileSync(join(src, 'plain'), 'plain');
        execFileSync('truncate', ['-s', '10M', join(src, 'sparse')]);
        execFileSync('sh', ['-c', 'printf data | dd of="$1" bs=1 seek=5000000 conv=notrunc status=none', 'sh', join(src, 'sparse')]);
      }, ['--sparse']);
      const { sink, warnings } = await merge(tar);
      assert.equal(sink.text('plain'), 'plain');
      assert.equal(sink.entries.has('sparse'), false);
      assert.match(warnings.join('\n'), /sparse|not supported/);
    });
  }
});
