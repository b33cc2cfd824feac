import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeImageTree } from '../../src/image/image-tree.js';
import type { TarEntry } from '../fixtures/images.js';
import { layerInputs, RecordingSink } from '../fixtures/layer-recording.js';

const MANIFEST = `sha256:${'cd'.repeat(32)}`;

describe('image tree: layers plus the generated configuration', () => {
  it('overrides the image files, keeps the image directory metadata and creates the working directory in place', async () => {
    const entries: TarEntry[] = [
      { path: 'etc', type: 'directory', mode: 0o711, mtime: 1000 },
      { path: 'etc/rc', content: 'image rc' },
      { path: 'etc/environment', content: 'FROM_IMAGE=1\n' },
      { path: '.enroot', type: 'directory', mode: 0o700 },
      { path: '.enroot/source', content: 'uri=forged\n' },
      { path: 'run', type: 'directory' },
      { path: 'var', type: 'directory' },
      { path: 'var/run', type: 'symlink', linkname: '/run' },
    ];
    const sink = new RecordingSink();
    const warnings: string[] = [];
    await writeImageTree({
      sink,
      config: { architecture: 'arm64', config: { Env: ['A=1'], WorkingDir: '/var/run/app', Volumes: { '/data': {} } } },
      layers: await layerInputs([{ entries }]),
      origin: { kind: 'registry', registry: 'r.example', repository: 'team/app', tag: 'v1', manifestDigest: MANIFEST },
      requestedArchitecture: 'amd64',
      mtime: 7,
      warn: (message) => warnings.push(message),
    });
    assert.deepEqual(warnings, ["Image architecture doesn't match the requested one: arm64 != amd64"]);
    assert.equal(sink.text('.enroot/source'), `uri=docker://r.example#team/app:v1\ndigest=${MANIFEST}\n`);
    assert.equal(sink.text('etc/environment'), 'A=1\n');
    assert.match(sink.text('etc/rc')!, /^# enroot-provenance: docker:\/\/r\.example#team\/app:v1\n/);
    assert.equal(sink.text('etc/fstab'), '${ENROOT_ROOTFS}/data /data none x-create=dir,bind,rw,nosuid,nodev\n');
    const etc = sink.entries.get('etc');
    assert.deepEqual(etc?.type === 'directory' && [etc.meta.mode, etc.meta.mtime], [0o711, 1000]);
    const enroot = sink.entries.get('.enroot');
    assert.equal(enroot?.type === 'directory' && enroot.meta.mode, 0o755);
    assert.equal(sink.entries.get('var/run')?.type, 'symlink');
    assert.deepEqual(sink.entries.get('run/app'), { type: 'directory', meta: { mode: 0o755, uid: 0, gid: 0, mtime: 7 } });
  });
});
