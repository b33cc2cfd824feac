import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Settings, describeSettings } from '../../src/config/settings.js';
import { ensureSettingDirectory, makeDirectories } from '../../src/config/directories.js';
import { EnrootError } from '../../src/errors.js';

let dir: string;
let confFile: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-settings-'));
  confFile = path.join(dir, 'enroot.conf');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function load(env: Record<string, string> = {}): Settings {
  return Settings.load({ env: { HOME: '/home/tester', PATH: '/usr/bin:/bin', ENROOT_CONF_FILE: confFile, ...env } });
}

describe('precedence', () => {
  test('defaults < enroot.conf < drop-ins in name order < environment', () => {
    write(confFile, 'ENROOT_MAX_CONNECTIONS 1\nENROOT_CONNECT_TIMEOUT 1\nENROOT_TRANSFER_RETRIES 1\nENROOT_TRANSFER_TIMEOUT 1\n');
    write(path.join(`${confFile}.d`, '10-a.conf'), 'ENROOT_CONNECT_TIMEOUT=2\nENROOT_TRANSFER_RETRIES=2\nENROOT_TRANSFER_TIMEOUT=2\n');
    write(path.join(`${confFile}.d`, '20-b.conf'), 'ENROOT_TRANSFER_RETRIES = 3\nENROOT_TRANSFER_TIMEOUT = 3\n');
    write(path.join(`${confFile}.d`, 'README'), 'ENROOT_TRANSFER_RETRIES 99\n');
    const settings = load({ ENROOT_TRANSFER_TIMEOUT: '4' });
    assert.equal(settings.integer('ENROOT_MAX_PROCESSORS'), os.availableParallelism());
    assert.equal(settings.source('ENROOT_MAX_PROCESSORS')?.kind, 'default');
    assert.equal(settings.integer('ENROOT_MAX_CONNECTIONS'), 1);
    assert.deepEqual(settings.source('ENROOT_MAX_CONNECTIONS'), { kind: 'file', file: confFile });
    assert.equal(settings.integer('ENROOT_CONNECT_TIMEOUT'), 2);
    assert.equal(settings.integer('ENROOT_TRANSFER_RETRIES'), 3);
    assert.deepEqual(settings.source('ENROOT_TRANSFER_RETRIES'), { kind: 'file', file: path.join(`${confFile}.d`, '20-b.conf') });
    assert.equal(settings.integer('ENROOT_TRANSFER_TIMEOUT'), 4);
    assert.deepEqual(settings.source('ENROOT_TRANSFER_TIMEOUT'), { kind: 'environment' });
  });

  test('an empty environment value counts as unset', () => {
    write(confFile, 'ENROOT_DATA_PATH /from/file\n');
    assert.equal(load({ ENROOT_DATA_PATH: '' }).path('ENROOT_DATA_PATH'), '/from/file');
  });

  test('within one file the last line wins; an empty file value gets the default', () => {
    write(confFile, 'ENROOT_MAX_CONNECTIONS 5\nENROOT_MAX_CONNECTIONS 6\nENROOT_CONNECT_TIMEOUT\n');
    const settings = load();
    assert.equal(settings.integer('ENROOT_MAX_CONNECTIONS'), 6);
    assert.equal(settings.integer('ENROOT_CONNECT_TIMEOUT'), 30);
  });

  test('only accepted keys are read; comments and other names are ignored', () => {
    write(confFile, [
      '# ENROOT_DATA_PATH /commented',
      'ENROOT_lower /x',
      'ENROOT_DIGIT9 /x',
      'PATH /evil',
      'NVIDIA_DRIVER_CAPABILITIES compute,utility',
      'MELLANOX_VISIBLE_DEVICES all',
      'SSL_CERT_FILE /etc/ca.pem',
      'https_proxy http://proxy:3128',
      'HTTPS_PROXY http://ignored',
      '',
    ].join('\n'));
    const env = load().environment();
    assert.equal(env.ENROOT_DATA_PATH, '/home/tester/.local/share/enroot');
    assert.equal(env.ENROOT_lower, undefined);
    assert.equal(env.ENROOT_DIGIT9, undefined);
    assert.equal(env.PATH, '/usr/bin:/bin');
    assert.equal(env.NVIDIA_DRIVER_CAPABILITIES, 'compute,utility');
    assert.equal(env.MELLANOX_VISIBLE_DEVICES, 'all');
    assert.equal(env.SSL_CERT_FILE, '/etc/ca.pem');
    assert.equal(env.https_proxy, 'http://proxy:3128');
    assert.equal(env.HTTPS_PROXY, undefined);
  });

  test('KEY value, KEY=value, KEY = value, KEY<tab>value and KEY==x', () => {
    write(confFile, 'ENROOT_ROOTFS a\nENROOT_ZSTD_OPTIONS=b\nENROOT_GZIP_PROGRAM = c\nENROOT_TEMP_PATH\t/d\nENROOT_SQUASH_OPTIONS==x\n');
    const settings = load();
    assert.equal(settings.get('ENROOT_ROOTFS'), 'a');
    assert.equal(settings.get('ENROOT_ZSTD_OPTIONS'), 'b');
    assert.equal(settings.get('ENROOT_GZIP_PROGRAM'), 'c');
    assert.equal(settings.get('ENROOT_TEMP_PATH'), '/d');
    assert.equal(settings.get('ENROOT_SQUASH_OPTIONS'), '=x');
  });
});

describe('values', () => {
  test('variables, XDG defaults computed first, earlier keys and command substitution', () => {
    write(confFile, 'ENROOT_RUNTIME_PATH ${XDG_RUNTIME_DIR}/enroot-x\nENROOT_DATA_PATH $HOME/data\nENROOT_CACHE_PATH ${ENROOT_DATA_PATH}/cache\nENROOT_MAX_PROCESSORS $(echo 3)\n');
    const settings = load();
    assert.equal(settings.path('ENROOT_RUNTIME_PATH'), '/run/enroot-x');
    assert.equal(settings.path('ENROOT_DATA_PATH'), '/home/tester/data');
    assert.equal(settings.path('ENROOT_CACHE_PATH'), '/home/tester/data/cache');
    assert.equal(settings.integer('ENROOT_MAX_PROCESSORS'), 3);
  });

  test('XDG variables default from HOME and the environment wins', () => {
    const settings = load({ XDG_CACHE_HOME: '/xdg/cache', XDG_RUNTIME_DIR: '' });
    assert.equal(settings.path('ENROOT_CACHE_PATH'), '/xdg/cache/enroot');
    assert.equal(settings.path('ENROOT_DATA_PATH'), '/home/tester/.local/share/enroot');
    assert.equal(settings.path('ENROOT_CONFIG_PATH'), '/home/tester/.config/enroot');
    assert.equal(settings.path('ENROOT_RUNTIME_PATH'), '/run/enroot');
    assert.equal(settings.path('ENROOT_TEMP_PATH'), '/tmp');
    assert.equal(load({ TMPDIR: '/scratch' }).path('ENROOT_TEMP_PATH'), '/scratch');
  });

  test('a file that is not valid shell is rejected with its name', () => {
    write(confFile, 'ENROOT_DATA_PATH "unterminated\n');
    assert.throws(() => load(), (err: unknown) => err instanceof EnrootError && err.message.startsWith(`Invalid configuration file: ${confFile}`));
  });

  test('a malformed value names the key, file and line', () => {
    write(confFile, '\nENROOT_DATA_PATH ${#x}\n');
    assert.throws(() => load(), /Invalid value for ENROOT_DATA_PATH in .*enroot\.conf line 2: unsupported expansion/);
  });

  test('integers are validated when read', () => {
    assert.throws(() => load({ ENROOT_MAX_CONNECTIONS: 'many' }).integer('ENROOT_MAX_CONNECTIONS'), /Invalid value for ENROOT_MAX_CONNECTIONS: "many"/);
  });

  test('ENROOT_VERSION is always ours', () => {
    assert.equal(load({ ENROOT_VERSION: '1.0' }).get('ENROOT_VERSION'), '4.1.2');
  });
});

describe('false spellings', () => {
  const referenceFalse = ['n', 'no', 'N', 'NO', 'No', 'f', 'false', 'F', 'False', 'FALSE'];

  test('every reference false spelling removes any ENROOT_ variable', () => {
    for (const value of referenceFalse) {
      const settings = load({ ENROOT_REMAP_ROOT: value, ENROOT_ROOTFS: value, ENROOT_CUSTOM: value });
      assert.equal(settings.flag('ENROOT_REMAP_ROOT'), false, value);
      assert.equal(settings.get('ENROOT_ROOTFS'), undefined, value);
      assert.equal(settings.get('ENROOT_CUSTOM'), undefined, value);
    }
  });

  test('defaults that are true can be turned off, also from the file', () => {
    write(confFile, 'ENROOT_LOGIN_SHELL no\n');
    assert.equal(load().flag('ENROOT_LOGIN_SHELL'), false);
    assert.equal(load({ ENROOT_NATIVE_OVERLAYFS: 'FALSE' }).flag('ENROOT_NATIVE_OVERLAYFS'), false);
  });

  test('0 and off are false for booleans only; numbers keep 0', () => {
    for (const value of ['0', 'off', 'OFF', 'Off']) assert.equal(load({ ENROOT_ALLOW_HTTP: value }).flag('ENROOT_ALLOW_HTTP'), false, value);
    assert.equal(load({ ENROOT_TRANSFER_RETRIES: '0' }).get('ENROOT_TRANSFER_RETRIES'), '0');
  });

  test('anything else is true', () => {
    for (const value of ['y', 'yes', '1', 'true', 'nO', 'fAlse', 'anything']) assert.equal(load({ ENROOT_ALLOW_HTTP: value }).flag('ENROOT_ALLOW_HTTP'), true, value);
  });
});

describe('#ENROOT_ directives', () => {
  test('override environment and files, later directives win, false spellings remove, flags enable', () => {
    write(confFile, 'ENROOT_ROOTFS from-file\n');
    const script = write(path.join(dir, 'job.sh'), [
      '#!/usr/bin/env enroot batch',
      '#ENROOT_ROOTFS=first',
      '# ENROOT_ROOTFS second  # trailing comment',
      '#ENROOT_REMAP_ROOT n',
      '#ENROOT_UNSHARE_PID=y',
      '#ENROOT_DATA_PATH ${HOME}/elsewhere',
      '#NOT_A_DIRECTIVE x',
      'ENROOT_MOUNT_HOME=y',
      'echo hello',
    ].join('\n'));
    const settings = load({ ENROOT_REMAP_ROOT: 'y', ENROOT_UNSHARE_NET: 'y' });
    settings.applyDirectives(script);
    assert.equal(settings.get('ENROOT_ROOTFS'), 'second');
    assert.deepEqual(settings.source('ENROOT_ROOTFS'), { kind: 'directive', file: script });
    assert.equal(settings.flag('ENROOT_REMAP_ROOT'), false);
    assert.equal(settings.flag('ENROOT_UNSHARE_PID'), true);
    assert.equal(settings.flag('ENROOT_UNSHARE_NET'), true);
    assert.equal(settings.flag('ENROOT_MOUNT_HOME'), false);
    assert.equal(settings.path('ENROOT_DATA_PATH'), '/home/tester/elsewhere');
    settings.enable('ENROOT_REMAP_ROOT', '--root');
    assert.equal(settings.flag('ENROOT_REMAP_ROOT'), true);
    assert.deepEqual(settings.source('ENROOT_REMAP_ROOT'), { kind: 'option', option: '--root' });
  });

  test('a missing script is an error naming it', () => {
    assert.throws(() => load().applyDirectives(path.join(dir, 'nope')), /No such file or directory: .*nope/);
  });
});

describe('listing and directories', () => {
  test('describeSettings lists every known setting with its source', () => {
    write(confFile, 'ENROOT_MAX_CONNECTIONS 2\n');
    const rows = describeSettings(load({ ENROOT_ALLOW_HTTP: 'y' }));
    const byName = new Map(rows.map((row) => [row.name, row]));
    assert.equal(byName.get('ENROOT_MAX_CONNECTIONS')?.source, confFile);
    assert.equal(byName.get('ENROOT_ALLOW_HTTP')?.source, 'environment');
    assert.equal(byName.get('ENROOT_REMAP_ROOT')?.source, 'not set');
    assert.equal(byName.get('ENROOT_DATA_PATH')?.source, 'default');
  });

  test('concurrent creators of the same directory tree all succeed', async () => {
    const { Worker } = await import('node:worker_threads');
    const target = path.join(dir, 'x', 'y', 'z');
    const moduleUrl = new URL('../../src/config/directories.js', import.meta.url).href;
    const code = `import(${JSON.stringify(moduleUrl)}).then((m) => { for (let i = 0; i < 400; i++) { m.makeDirectories(${JSON.stringify(target)} + '/' + i + '/a/b'); } })`;
    const runs = Array.from({ length: 4 }, () => new Promise<void>((resolve, reject) => {
      const worker = new Worker(code, { eval: true });
      worker.on('error', reject);
      worker.on('exit', (status) => (status === 0 ? resolve() : reject(new Error(`worker exited ${status}`))));
    }));
    await Promise.all(runs);
    assert.equal(fs.readdirSync(target).length, 400);
    write(confFile, '');
    assert.throws(() => makeDirectories(path.join(confFile, 'sub')), { code: 'ENOTDIR' });
  });

  test('directories are created on demand with mode 0700, and failures name the setting', () => {
    const target = path.join(dir, 'a', 'b', 'cache');
    const settings = load({ ENROOT_CACHE_PATH: target, ENROOT_DATA_PATH: '/proc/no/such' });
    assert.equal(fs.existsSync(target), false);
    assert.equal(ensureSettingDirectory(settings, 'ENROOT_CACHE_PATH'), target);
    assert.equal(fs.statSync(target).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dir, 'a')).mode & 0o777, 0o700);
    assert.throws(() => ensureSettingDirectory(settings, 'ENROOT_DATA_PATH'), /Could not create directory \/proc\/no\/such .*set ENROOT_DATA_PATH/);
  });
});
