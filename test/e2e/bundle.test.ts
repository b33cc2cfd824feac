// enroot bundle end to end: the .run file starts its container with neither this project nor Node.js on
// PATH, as root and as an unprivileged user, with the bundle-time options of spec 8.6.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCommand, runEnroot } from '../fixtures/cli.js';
import { makeEnrootHome } from '../fixtures/enroot-env.js';
import { buildImage, busyboxLayer } from '../fixtures/images.js';
import { writeDockerArchive } from '../fixtures/archive-images.js';
import { currentUser, testUsers } from '../fixtures/users.js';

const DESCRIPTION = `it's "$(touch /tmp/injected)" \`id\``;
const author = currentUser();
const home = makeEnrootHome(author, 'enroot-bundle-');
const work = home.dir;
/** Every host program except Node.js, npm and enroot. */
const hostPath = path.join(work, 'path');
let plainBundle: string;
let fullBundle: string;

const enroot = (args: string[], extra: Record<string, string> = {}) => runEnroot(args, { env: home.env(extra), cwd: work, timeoutMs: 120_000 });

before(async () => {
  fs.chmodSync(work, 0o755);
  fs.mkdirSync(hostPath);
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    for (const name of fs.readdirSync(dir)) {
      if (/^(node|nodejs|npm|npx|corepack|enroot)$/.test(name) || fs.existsSync(path.join(hostPath, name))) continue;
      fs.symlinkSync(path.join(dir, name), path.join(hostPath, name));
    }
  }
  const image = await buildImage({
    layers: [busyboxLayer(), { entries: [{ path: 'etc/motd', content: 'hello\n' }] }],
    config: { Env: ['A=1'], Cmd: ['/bin/sh', '-c', 'echo "A=$A"; cat /etc/motd'] },
  });
  await writeDockerArchive(path.join(work, 'app.tar'), [{ image, tag: 'app:1' }], 'legacy');
  assert.equal((await enroot(['import', `docker-archive://${path.join(work, 'app.tar')}`])).status, 0);
  const plain = await enroot(['bundle', '-d', DESCRIPTION, 'app.sqsh']);
  assert.equal(plain.status, 0, plain.stderr);
  plainBundle = path.join(work, 'app.run');
  fs.mkdirSync(path.join(home.config, 'environ.d'));
  fs.writeFileSync(path.join(home.config, 'environ.d', '50-bundle.env'), 'FROM_CONFIG=captured\n');
  const full = await enroot(['bundle', '--all', '--checksum', '-t', '$HOME/kept', '-o', 'full.run', 'app.sqsh'], { ENROOT_LOGIN_SHELL: 'n' });
  assert.equal(full.status, 0, full.stderr);
  fullBundle = path.join(work, 'full.run');
});
after(() => home.remove());

test('bundle names its output after the image, refuses to overwrite without --force, and rejects non-images', async () => {
  assert.ok((fs.statSync(plainBundle).mode & 0o111) !== 0, 'executable');
  const again = await enroot(['bundle', 'app.sqsh']);
  assert.equal(again.stderr.trim().split('\n').pop(), `[ERROR] File already exists: ${plainBundle}`);
  const notImage = await enroot(['bundle', '-o', 'x.run', 'app.tar']);
  assert.equal(notImage.stderr.trim(), `[ERROR] Invalid image format: ${path.join(work, 'app.tar')} (not a squashfs image)`);
  assert.equal(fs.existsSync(path.join(work, 'x.run')), false);
  assert.deepEqual(fs.readdirSync(work).filter((name) => name.includes('enroot-')), [], 'no temporary file left');
});

test('--info prints the description and target verbatim, runs nothing from them, and --checksum guards the payload', async () => {
  const info = await runCommand(plainBundle, ['--info'], { env: { PATH: hostPath } });
  assert.equal(info.status, 0, info.stderr);
  assert.equal(info.stdout, `Compression: gzip\nDescription: ${DESCRIPTION}\nRuntime version: 4.1.2 (enroot-ts 0.1.0)\nTarget directory: app\nUncompressed size: ${/Uncompressed size: (\d+) KB/.exec(info.stdout)?.[1]} KB\n`);
  assert.equal(fs.existsSync('/tmp/injected'), false);
  const full = await runCommand(fullBundle, ['-i'], { env: { PATH: hostPath } });
  assert.match(full.stdout, /^Checksum: [0-9a-f]{64}\n.*Target directory: \$HOME\/kept\n/s);
  const tampered = path.join(work, 'tampered.run');
  const bytes = fs.readFileSync(fullBundle);
  bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 0xff;
  fs.writeFileSync(tampered, bytes, { mode: 0o755 });
  const refused = await runCommand(tampered, ['--info'], { env: { PATH: hostPath } });
  assert.deepEqual([refused.status, refused.stderr], [1, '[ERROR] Checksum validation failed\n']);
  const unknown = await runCommand(plainBundle, ['--pid', 'true'], { env: { PATH: hostPath } });
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^\[ERROR\] Unknown option: --pid\nUsage: app\.run \[options\] \[--\] \[COMMAND\] \[ARG\.\.\.\]\n\nit's/);
  const help = await runCommand(plainBundle, ['--help'], { env: { PATH: hostPath } });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /-x, --extract/);
});

for (const user of testUsers()) {
  describe(`run as ${user.name} without Node.js or enroot on PATH`, () => {
    const runner = makeEnrootHome(user, 'enroot-bundle-run-');
    const temp = path.join(runner.dir, 'tmp');
    before(() => {
      fs.mkdirSync(temp);
      fs.chownSync(temp, user.uid, user.gid);
    });
    after(() => runner.remove());
    const run = (bundle: string, args: string[]) =>
      runCommand(bundle, args, { env: { PATH: hostPath, HOME: runner.dir, TMPDIR: temp }, user, cwd: runner.dir, timeoutMs: 60_000 });

    test('starts the image command, passes arguments, options and the exit status, and removes its files', async () => {
      const plain = await run(plainBundle, []);
      assert.equal(plain.status, 0, plain.stderr);
      assert.equal(plain.stdout, 'A=1\nhello\n');
      const options = await run(plainBundle, ['-q', '-e', 'B=2', '--rw', '--', 'sh', '-c', 'echo "$B" > /written; cat /written; id -u; exit 7']);
      assert.equal(options.status, 7, options.stderr);
      assert.equal(options.stdout, `2\n${user.uid}\n`);
      assert.equal(options.stderr, '', '--quiet prints nothing');
      const root = await run(plainBundle, ['--root', 'id', '-u']);
      assert.equal(root.stdout, '0\n');
      assert.deepEqual(fs.readdirSync(temp), [], 'temporary rootfs and runtime directory removed');
    });

    test('--all carries the configuration, --extract and --keep keep the target, which must not exist', async () => {
      const kept = path.join(runner.dir, 'kept');
      const extracted = await run(fullBundle, ['--extract']);
      assert.equal(extracted.status, 0, extracted.stderr);
      assert.equal(fs.readFileSync(path.join(kept, 'etc/motd'), 'utf8'), 'hello\n');
      assert.deepEqual(fs.readdirSync(runner.dir).filter((name) => name.startsWith('.kept')), [], 'empty runtime directory removed');
      const exists = await run(fullBundle, ['-k', 'true']);
      assert.deepEqual([exists.status, exists.stderr], [1, `[ERROR] File already exists: ${kept}\n`]);
      fs.rmSync(kept, { recursive: true, force: true });
      const configured = await run(fullBundle, ['--keep', 'sh', '-c', 'echo "$FROM_CONFIG"']);
      assert.equal(configured.status, 0, configured.stderr);
      assert.equal(configured.stdout, 'captured\n');
      assert.ok(fs.existsSync(path.join(kept, 'etc/motd')));
    });
  });
}

test('SOURCE_DATE_EPOCH makes bundles byte-identical', async () => {
  for (const name of ['r1.run', 'r2.run']) {
    assert.equal((await enroot(['bundle', '-t', 'same', '-o', name, 'app.sqsh'], { SOURCE_DATE_EPOCH: '1700000000' })).status, 0);
  }
  assert.ok(fs.readFileSync(path.join(work, 'r1.run')).equals(fs.readFileSync(path.join(work, 'r2.run'))));
});

test('the size of a bundle: the image plus the carried runtime', () => {
  const image = fs.statSync(path.join(work, 'app.sqsh')).size;
  const bundle = fs.statSync(plainBundle).size;
  const node = fs.statSync(execFileSync('which', ['node'], { encoding: 'utf8' }).trim()).size;
  console.log(`# bundle ${bundle} bytes for a ${image}-byte image; Node.js binary ${node} bytes (${os.arch()})`);
  assert.ok(bundle < image + node, 'the runtime travels compressed');
});
