// Progress bars of import on a terminal (a pseudo-terminal from util-linux `script`): the download bar,
// then the merge bar on the same line once downloads are done; nothing of the kind when stderr is a file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENROOT_BIN, runCommand, runEnroot } from '../fixtures/cli.js';
import { makeEnrootHome } from '../fixtures/enroot-env.js';
import { busyboxLayer, buildImage, pushImage } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { currentUser } from '../fixtures/users.js';

let registry: RegistryFixture;
const home = makeEnrootHome(currentUser());

before(async () => {
  registry = await startRegistry('plain');
  const image = await buildImage({ layers: [busyboxLayer(), { entries: [{ path: 'etc/motd', content: 'hello\n' }] }] });
  await pushImage(registry, 'test/progress', '1', image);
});
after(async () => {
  await registry?.stop();
  home.remove();
});

const shellQuote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`;

test('on a terminal, import draws a download bar and then a merge bar that reaches 100%', async () => {
  const uri = `docker://${registry.host}#test/progress:1`;
  const command = [process.execPath, ENROOT_BIN, 'import', '-o', 'tty.sqsh', uri].map(shellQuote).join(' ');
  const result = await runCommand('script', ['-qec', command, '/dev/null'], {
    env: home.env({ ENROOT_ALLOW_HTTP: 'y', TERM: 'xterm' }), cwd: home.dir, timeoutMs: 120_000,
  });
  assert.equal(result.status, 0, result.stdout);
  const draws = result.stdout.split('\r').map((line) => line.trim()).filter((line) => line !== '');
  const download = draws.findIndex((line) => line.startsWith('Downloading ['));
  const merge = draws.findIndex((line) => line.startsWith('Merging layers ['));
  assert.ok(download >= 0, `a download bar: ${result.stdout}`);
  assert.ok(merge > download, 'the merge bar comes after the download bar');
  assert.ok(draws.slice(merge).some((line) => / 100% /.test(line)), 'the merge bar ends full');
  assert.ok(draws.slice(merge).every((line) => !line.startsWith('Downloading')), 'bars do not interleave');
});

test('with stderr not a terminal, import prints no bar', async () => {
  const result = await runEnroot(['import', '-o', 'plain.sqsh', `docker://${registry.host}#test/progress:1`], {
    env: home.env({ ENROOT_ALLOW_HTTP: 'y' }), cwd: home.dir, timeoutMs: 120_000,
  });
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /\[#* *\]|\r/);
});
