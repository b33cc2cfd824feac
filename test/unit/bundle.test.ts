import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Settings } from '../../src/config/settings.js';
import { capturedSettings } from '../../src/bundle/configuration.js';
import { bundleHeader } from '../../src/bundle/header.js';
import { reachableChunks } from '../../src/bundle/runtime-files.js';
import { packTar } from '../fixtures/images.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-bundle-unit-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const header = (description: string, target: string) =>
  bundleHeader({ description, target, checksum: '0'.repeat(64), runtimeVersion: '4.1.2', uncompressedKb: 1 });

describe('bundle header', () => {
  it('places the payload right after itself', () => {
    for (const description of ['none', 'x'.repeat(5000)]) {
      const script = header(description, 'app');
      assert.equal(Number(/^payload_offset=(\d+)$/m.exec(script.toString())?.[1]), script.length);
    }
  });

  it('embeds hostile descriptions and targets as data, and expands only a leading ~/ or $HOME/ in the target', async () => {
    const hostile = `'; touch ${scratch}/pwned; echo '$(touch ${scratch}/pwned2)\`id\`"\n`;
    const payload = gzipSync(await packTar([{ path: './etc', type: 'directory' }, { path: './etc/motd', content: 'hi\n' }]));
    const bundle = path.join(scratch, 'x.run');
    fs.writeFileSync(bundle, Buffer.concat([header(hostile, '$HOME/kept'), payload]), { mode: 0o755 });
    const info = execFileSync(bundle, ['--info'], { encoding: 'utf8' });
    assert.ok(info.includes(`Description: ${hostile}\n`));
    assert.ok(info.includes('Target directory: $HOME/kept\n'));
    execFileSync(bundle, ['--extract', '--quiet'], { env: { PATH: process.env.PATH, HOME: scratch } });
    assert.equal(fs.readFileSync(path.join(scratch, 'kept', 'etc', 'motd'), 'utf8'), 'hi\n');
    fs.writeFileSync(bundle, Buffer.concat([header('none', `${scratch}/$(touch pwned3)`), payload]), { mode: 0o755 });
    execFileSync(bundle, ['-x', '-q'], { cwd: scratch });
    assert.ok(fs.existsSync(path.join(scratch, '$(touch pwned3)', 'etc', 'motd')));
    assert.deepEqual(fs.readdirSync(scratch).filter((name) => name.startsWith('pwned')), []);
  });
});

describe('bundle configuration', () => {
  it('captures only the settings the user chose, quoted so that loading them runs nothing', () => {
    const settings = Settings.load({
      env: { HOME: scratch, PATH: '/usr/bin:/bin', ENROOT_CONF_FILE: path.join(scratch, 'absent.conf'), ENROOT_MOUNT_HOME: 'y', ENROOT_ROOTFS_WRITABLE: "it's $(id)", ENROOT_DATA_PATH: '/data' },
    });
    assert.equal(capturedSettings(settings), "# Settings captured by enroot bundle --all\nENROOT_MOUNT_HOME 'y'\nENROOT_ROOTFS_WRITABLE 'it'\\''s $(id)'\n");
  });
});

describe('bundle runtime', () => {
  it('carries only the chunks the entry points reach', () => {
    const dir = path.join(scratch, 'chunks');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.js'), 'import { a } from "./chunk-A.js"; const b = () => import("./cmd-B.js"); const text = \'from "./absent.js"\';');
    fs.writeFileSync(path.join(dir, 'chunk-A.js'), 'export const a = 1;');
    fs.writeFileSync(path.join(dir, 'cmd-B.js'), 'import "./chunk-A.js";');
    fs.writeFileSync(path.join(dir, 'stage2.cjs'), '');
    fs.writeFileSync(path.join(dir, 'chunk-stale.js'), '');
    assert.deepEqual(reachableChunks(dir), ['chunk-A.js', 'cmd-B.js', 'main.js', 'stage2.cjs']);
  });
});
