import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Settings } from '../../src/config/settings.js';
import { importSquashOptions } from '../../src/image/import.js';
import { EnrootError } from '../../src/errors.js';

const settingsWith = (env: Record<string, string>) =>
  Settings.load({ env: { HOME: '/home/tester', PATH: '/usr/bin:/bin', ENROOT_CONF_FILE: '/nonexistent', ...env } });

test('the default ENROOT_SQUASH_OPTIONS leave data blocks and fragments uncompressed, metadata gzip', () => {
  const options = importSquashOptions(settingsWith({}));
  assert.equal(options.compressor, 'gzip');
  assert.equal(options.compressData, false);
  assert.equal(options.compressFragments, false);
  assert.equal(options.compressInodes, true);
  assert.equal(options.allRoot, true, 'imported images are owned by root');
});

test('a user string is read as mksquashfs reads it: what it does not turn off is compressed', () => {
  const zstd = importSquashOptions(settingsWith({ ENROOT_SQUASH_OPTIONS: '-comp zstd -Xcompression-level 3 -exit-on-error' }));
  assert.equal(zstd.compressor, 'zstd');
  assert.equal(zstd.level, 3);
  assert.equal(zstd.compressData, true);
  assert.equal(zstd.compressFragments, true);
  const noD = importSquashOptions(settingsWith({ ENROOT_SQUASH_OPTIONS: '-noD' }));
  assert.equal(noD.compressData, false);
  assert.equal(noD.compressFragments, true);
});

test('SOURCE_DATE_EPOCH sets the image and inode times; processors follow ENROOT_MAX_PROCESSORS', () => {
  const options = importSquashOptions(settingsWith({ SOURCE_DATE_EPOCH: '1700000000', ENROOT_MAX_PROCESSORS: '3' }));
  assert.equal(options.mkfsTime, 1700000000);
  assert.equal(options.allTime, 1700000000);
  assert.equal(options.processors, 3);
});

test('an option the writer does not support is one error naming it', () => {
  assert.throws(() => importSquashOptions(settingsWith({ ENROOT_SQUASH_OPTIONS: '-comp lzo' })), (err: unknown) => err instanceof EnrootError && /lzo/.test(err.message));
});
