import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { architectureMismatch, parseImageConfig, type ImageRuntimeConfig } from '../../src/image/config.js';
import { environmentText, fstabText } from '../../src/image/config-files.js';
import { configLayer } from '../../src/image/config-layer.js';
import { rcProvenanceUri, readProvenance, sourceFileText, sourceUri, type ImageOrigin } from '../../src/image/provenance.js';
import { rcScript } from '../../src/image/rc.js';
import { parseFstab } from '../../src/runtime/fstab.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const MANIFEST = `sha256:${'cd'.repeat(32)}`;
const UBUNTU: ImageOrigin = { kind: 'registry', registry: 'registry-1.docker.io', repository: 'library/ubuntu', tag: '24.04', manifestDigest: MANIFEST };

function config(overrides: Partial<ImageRuntimeConfig> = {}): ImageRuntimeConfig {
  return { architecture: 'amd64', env: [], entrypoint: [], cmd: [], workingDir: '', volumes: [], labels: [], ...overrides };
}

describe('image config parsing', () => {
  it('reads registry configs and inspect output alike', () => {
    const registry = parseImageConfig({
      architecture: 'arm64',
      config: { Env: ['A=1'], Entrypoint: ['/e'], Cmd: ['c'], WorkingDir: '/w', Volumes: { '/b': {}, '/a': {} }, Labels: { z: '1', a: '2' } },
    });
    assert.deepEqual(registry, {
      architecture: 'arm64', env: ['A=1'], entrypoint: ['/e'], cmd: ['c'], workingDir: '/w', volumes: ['/a', '/b'], labels: [['z', '1'], ['a', '2']],
    });
    const inspect = parseImageConfig({ Architecture: 'amd64', Config: { Cmd: ['x'], Entrypoint: null } });
    assert.deepEqual(inspect.cmd, ['x']);
    assert.deepEqual(inspect.entrypoint, []);
    assert.equal(inspect.architecture, 'amd64');
  });

  it('treats non-array Entrypoint/Cmd as absent and warns on an architecture mismatch, absent included', () => {
    assert.deepEqual(parseImageConfig({ config: { Entrypoint: '/bin/x', Cmd: 'y' } }).cmd, []);
    assert.equal(architectureMismatch(config(), 'amd64'), undefined);
    assert.equal(architectureMismatch(config({ architecture: 'arm64' }), 'amd64'), "Image architecture doesn't match the requested one: arm64 != amd64");
    assert.equal(architectureMismatch(config({ architecture: '' }), 'amd64'), "Image architecture doesn't match the requested one:  != amd64");
  });
});

describe('/etc/rc', () => {
  it('has the reference structure', () => {
    const rc = rcScript(config({ entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'], workingDir: '/srv', labels: [['maintainer', 'me\nyou']] }), 'docker://registry-1.docker.io#library/nginx:latest');
    assert.equal(rc, `# enroot-provenance: docker://registry-1.docker.io#library/nginx:latest
# maintainer me you

mkdir -p '/srv' 2> /dev/null
cd '/srv' && unset OLDPWD || exit 1

if [ -s /etc/rc.local ]; then
    . /etc/rc.local
fi

if [ $# -gt 0 ]; then
    exec '/docker-entrypoint.sh' "$@"
else
    exec '/docker-entrypoint.sh' 'nginx' '-g' 'daemon off;'
fi
`);
  });

  it('defaults to / and /bin/sh, leaving two spaces where the entrypoint is empty', () => {
    const rc = rcScript(config(), 'dockerd://x');
    assert.match(rc, /^# enroot-provenance: dockerd:\/\/x\n\nmkdir -p '\/' 2> \/dev\/null\n/);
    assert.match(rc, /exec  "\$@"\n/);
    assert.match(rc, /exec  '\/bin\/sh'\n/);
  });

  it('keeps label keys and values, and the URI, on their comment line', () => {
    const rc = rcScript(config({ labels: [['key\ntouch /tmp/pwned', 'v\r\nrm -rf /']] }), 'docker://r#x:y\nid');
    const lines = rc.split('\n');
    assert.equal(lines[0], '# enroot-provenance: docker://r#x:y id');
    assert.equal(lines[1], '# key touch /tmp/pwned v  rm -rf /');
    assert.equal(lines[2], '');
  });

  describe('quoting holds under every POSIX shell', () => {
    const hostile = ["it's", '$(touch PWNED1)', '`touch PWNED2`', 'a\nb', '', '"; touch PWNED3; "', '$HOME', '\\', 'tab\there', "'", '*'];
    const shells = [['dash'], ['busybox', 'sh'], ['bash', '--posix']].filter(([shell]) => spawnSync('which', [shell!]).status === 0);

    for (const shell of shells) {
      it(`runs under ${shell.join(' ')} with hostile WorkingDir, Entrypoint and Cmd`, () => {
        const scratch = mkdtempSync(join(tmpdir(), 'enroot-rc-'));
        try {
          const workdir = join(scratch, 'w "$(touch PWNED4)" `touch PWNED5` \'q\' $x');
          const script = rcScript(config({
            workingDir: workdir,
            entrypoint: ['/bin/sh', '-c', 'pwd; for a in "$@"; do printf "[%s]\\n" "$a"; done', 'argv0'],
            cmd: hostile,
          }), 'docker://r#x:y');
          // The script sources the container's /etc/rc.local; point it at an empty scratch file instead.
          const rcPath = join(scratch, 'rc');
          writeFileSync(rcPath, script.replaceAll('/etc/rc.local', join(scratch, 'rc.local')));
          execFileSync(shell[0]!, [...shell.slice(1), '-n', rcPath]);
          const output = execFileSync(shell[0]!, [...shell.slice(1), rcPath], { cwd: scratch, encoding: 'utf8' });
          assert.equal(output, `${workdir}\n${hostile.map((arg) => `[${arg}]\n`).join('')}`);
          const withArgs = execFileSync(shell[0]!, [...shell.slice(1), rcPath, 'x y', "'"], { cwd: scratch, encoding: 'utf8' });
          assert.equal(withArgs, `${workdir}\n[x y]\n[']\n`);
          for (const n of [1, 2, 3, 4, 5]) {
            assert.equal(existsSync(join(scratch, `PWNED${n}`)) || existsSync(join(workdir, `PWNED${n}`)), false, `PWNED${n}`);
          }
        } finally {
          rmSync(scratch, { recursive: true, force: true });
        }
      });
    }

    it('has at least dash and busybox to check against', () => {
      assert.ok(shells.length >= 2, `shells found: ${shells.map((shell) => shell[0]).join(', ')}`);
    });
  });

  it('refuses NUL characters in the command', () => {
    assert.throws(() => rcScript(config({ cmd: ['a\0b'] }), 'u'), /NUL character/);
  });
});

describe('/etc/environment and /etc/fstab', () => {
  it('writes Env verbatim, one per line, leaving out elements with line breaks', () => {
    const skipped: string[] = [];
    const text = environmentText(config({ env: ['PATH=/usr/bin:/bin', 'HOMEREF=${HOME}', 'BAD=a\nINJECTED=1', 'EMPTY='] }), (element) => skipped.push(element));
    assert.equal(text, 'PATH=/usr/bin:/bin\nHOMEREF=${HOME}\nEMPTY=\n');
    assert.deepEqual(skipped, ['BAD=a\nINJECTED=1']);
    assert.equal(environmentText(config(), () => {}), '');
  });

  it('binds each volume onto itself, escaping blanks and refusing paths that leave the rootfs', () => {
    const skipped: string[] = [];
    const text = fstabText(config({ volumes: ['/data', '/my vol', 'rel/dir', '/../../etc', '/a\\b', '/${X}'] }), (volume) => skipped.push(volume));
    assert.equal(text, [
      '${ENROOT_ROOTFS}/data /data none x-create=dir,bind,rw,nosuid,nodev',
      '${ENROOT_ROOTFS}/my\\040vol /my\\040vol none x-create=dir,bind,rw,nosuid,nodev',
      '${ENROOT_ROOTFS}/rel/dir /rel/dir none x-create=dir,bind,rw,nosuid,nodev',
      '${ENROOT_ROOTFS}/a\\134b /a\\134b none x-create=dir,bind,rw,nosuid,nodev',
      '${ENROOT_ROOTFS}/\\044{X} /\\044{X} none x-create=dir,bind,rw,nosuid,nodev',
      '',
    ].join('\n'));
    assert.deepEqual(skipped, ['/../../etc']);
  });
  it('reads back through the runtime fstab parser as the same paths', () => {
    const volumes = ['/my vol', '/tab\there', '/back\\slash', '/ünï', '/${HOME}'];
    const entries = parseFstab(fstabText(config({ volumes }), () => {}), '/etc/fstab');
    assert.deepEqual(entries.map((entry) => entry.target), volumes);
    assert.deepEqual(entries.map((entry) => entry.source), volumes.map((volume) => `\${ENROOT_ROOTFS}${volume}`));
  });
});

describe('provenance', () => {
  it('records the canonical registry URI and the manifest digest', () => {
    assert.equal(sourceFileText(UBUNTU), `uri=docker://registry-1.docker.io#library/ubuntu:24.04\ndigest=${MANIFEST}\n`);
    assert.equal(rcProvenanceUri(UBUNTU), 'docker://registry-1.docker.io#library/ubuntu:24.04');
  });

  it('uses @ for digest references in the file and : in the rc comment, dropping the tag of TAG@DIGEST', () => {
    const byDigest: ImageOrigin = { ...UBUNTU, tag: '24.04', referenceDigest: DIGEST };
    assert.equal(sourceUri(byDigest), `docker://registry-1.docker.io#library/ubuntu@${DIGEST}`);
    assert.equal(rcProvenanceUri(byDigest), `docker://registry-1.docker.io#library/ubuntu:${DIGEST}`);
  });

  it('records daemon URIs as given, without a digest line', () => {
    assert.equal(sourceFileText({ kind: 'daemon', uri: 'podman://alpine:3' }), 'uri=podman://alpine:3\n');
  });

  it('refuses parts that could smuggle text into the file', () => {
    assert.throws(() => sourceFileText({ ...UBUNTU, registry: 'user:pass@host' }), /invalid registry/);
    assert.throws(() => sourceFileText({ ...UBUNTU, tag: 'x\ndigest=sha256:00' }), /invalid tag/);
    assert.throws(() => sourceFileText({ ...UBUNTU, manifestDigest: 'sha256:zz' }), /invalid manifest digest/);
    assert.throws(() => sourceFileText({ kind: 'daemon', uri: 'dockerd://a\nuri=x' }), /line break/);
  });

  it('reads either form back', () => {
    assert.equal(readProvenance(`digest=${MANIFEST}\nuri=docker://r#a:b\nfuture=1\n`, undefined), 'docker://r#a:b');
    assert.equal(readProvenance(undefined, `# enroot-provenance: docker://r#a:${DIGEST}\n\nmkdir`), `docker://r#a:${DIGEST}`);
    assert.equal(readProvenance(undefined, 'mkdir'), undefined);
  });
});

describe('generated configuration entries', () => {
  it('are the five files and /.enroot, with no directory entry for etc', () => {
    const layer = configLayer(config({ workingDir: '/work' }), UBUNTU, 42, () => {});
    assert.deepEqual(layer.entries.map((entry) => [entry.path, entry.type, entry.meta.mode]), [
      ['etc/rc', 'file', 0o644], ['etc/rc.local', 'file', 0o644], ['etc/environment', 'file', 0o644],
      ['etc/fstab', 'file', 0o644], ['.enroot', 'directory', 0o755], ['.enroot/source', 'file', 0o644],
    ]);
    assert.ok(layer.entries.every((entry) => entry.meta.uid === 0 && entry.meta.mtime === 42));
    assert.equal(layer.workingDir, '/work');
  });
});
