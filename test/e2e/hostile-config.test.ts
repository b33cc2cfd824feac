// Hostile configuration around `enroot start` and the name-taking commands: fstab targets through symlinks
// and `..` to the host, over-long fstab lines, `${VAR}` values carrying newlines, environment files with
// injection attempts, `--mount`/`--env` values with odd characters, and container names `.`, `..` and
// paths. Nothing may reach the host, run a command, or set a variable the configuration did not name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertOneError } from '../fixtures/fault-import.js';
import { runtimeSandbox, type RuntimeSandbox } from '../fixtures/runtime-containers.js';
import { testUsers } from '../fixtures/users.js';

/** `KEY=VALUE` lines printed by `env` inside the container, as a map. */
function environment(stdout: string): Map<string, string> {
  return new Map(stdout.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

for (const user of testUsers()) {
  describe(`hostile configuration as ${user.name} (uid ${user.uid})`, () => {
    let sandbox: RuntimeSandbox;
    let host: string;
    const hostUntouched = () => assert.deepEqual(fs.readdirSync(host), ['keep'], 'nothing created or removed on the host');

    before(() => {
      sandbox = runtimeSandbox(user);
      host = path.dirname(sandbox.file('host/keep', 'keep\n'));
      sandbox.container('c', (root) => {
        fs.symlinkSync(host, path.join(root, 'abs-to-host'));
        fs.symlinkSync(`../../../../../../../../..${host}`, path.join(root, 'rel-to-host'));
        fs.writeFileSync(path.join(root, 'etc', 'fstab'), 'tmpfs /abs-to-host/from-image tmpfs x-create=dir\n');
      });
    });
    after(() => sandbox.remove());

    test('fstab targets through symlinks to the host are created and mounted inside the rootfs', async () => {
      sandbox.file('config/mounts.d/links.fstab', `tmpfs /rel-to-host/from-mounts-d tmpfs x-create=dir\n`);
      try {
        const result = await sandbox.enroot(['start', '-m', `tmpfs:/abs-to-host/from-flag:tmpfs:x-create=dir`, 'c', 'sh', '-c', `ls -d ${host}/from-image ${host}/from-mounts-d ${host}/from-flag`]);
        // Inside the container the targets exist (under the image's own copy of the host path)...
        assert.equal(result.status, 0, result.stderr);
        // ...and on the host nothing was created.
        hostUntouched();
      } finally {
        fs.rmSync(path.join(sandbox.config, 'mounts.d'), { recursive: true, force: true });
      }
    });

    test('a mount target that climbs above the rootfs with .. stops at the container root, like a chroot', async () => {
      const result = await sandbox.enroot(['start', '-m', `tmpfs:../../../../../../../..${host}/climbed:tmpfs:x-create=dir`, 'c', 'sh', '-c', `ls -d ${host}/climbed`]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `${host}/climbed\n`);
      hostUntouched();
    });

    test('an fstab line longer than 4095 bytes does not silently end the file', async () => {
      sandbox.file('config/mounts.d/long.fstab', `tmpfs /long-${'x'.repeat(10_000)} tmpfs x-create=dir,nofail\ntmpfs /after-long tmpfs x-create=dir\n`);
      try {
        // The long line is an entry like any other (its nofail mount fails with a warning); the next one is performed.
        const result = await sandbox.enroot(['start', 'c', 'sh', '-c', 'test -d /after-long && echo after-long-mounted']);
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout, 'after-long-mounted\n', result.stderr);
        assert.match(result.stderr, /^\[WARN\] Failed to mount tmpfs on \/long-x+/m);
      } finally {
        fs.rmSync(path.join(sandbox.config, 'mounts.d'), { recursive: true, force: true });
      }
    });

    test('${VAR} values with newlines inject no variable and no mount', async () => {
      sandbox.file('config/environ.d/inject.env', 'INJECT=${EVIL_ENV}\n');
      sandbox.file('config/mounts.d/inject.fstab', 'tmpfs /fine${EVIL_MOUNT} tmpfs x-create=dir,nofail\n');
      try {
        const result = await sandbox.enroot(['start', 'c', 'sh', '-c', 'env; test -e /injected && echo MOUNT-INJECTED; true'], {
          extra: { EVIL_ENV: 'a\nLD_PRELOAD=/evil.so\nINJECTED=1', EVIL_MOUNT: '\ntmpfs /injected tmpfs x-create=dir' },
        });
        assert.equal(result.status, 0, result.stderr);
        const env = environment(result.stdout);
        assert.equal(env.has('LD_PRELOAD'), false, result.stdout);
        assert.equal(env.has('INJECTED'), false, result.stdout);
        assert.doesNotMatch(result.stdout, /MOUNT-INJECTED/);
        assert.equal(fs.existsSync(path.join(sandbox.data, 'c', 'injected')), false);
      } finally {
        fs.rmSync(path.join(sandbox.config, 'environ.d'), { recursive: true, force: true });
        fs.rmSync(path.join(sandbox.config, 'mounts.d'), { recursive: true, force: true });
      }
    });

    test('environment files run nothing, and cannot set ENROOT_ variables or use shell syntax', async () => {
      const pwned = path.join(sandbox.dir, 'pwned');
      sandbox.file('config/environ.d/evil.env', [
        `SUBST=$(touch ${pwned})`,
        `BACKTICK=\`touch ${pwned}\``,
        `SEMI=x; touch ${pwned}`,
        'ENROOT_ROOTFS=/',
        'ENROOT_MOUNTS=/etc/shadow',
        'export EXPORTED=1',
        '1NUMERIC=1',
        'WITH SPACE=1',
        '',
      ].join('\n'));
      try {
        const result = await sandbox.enroot(['start', 'c', 'env']);
        assert.equal(result.status, 0, result.stderr);
        const env = environment(result.stdout);
        assert.equal(env.get('SUBST'), `$(touch ${pwned})`);
        assert.equal(env.get('BACKTICK'), `\`touch ${pwned}\``);
        assert.equal(env.get('SEMI'), `x; touch ${pwned}`);
        for (const name of ['ENROOT_ROOTFS', 'ENROOT_MOUNTS', 'EXPORTED', 'export EXPORTED', '1NUMERIC', 'WITH SPACE']) assert.equal(env.has(name), false, name);
        assert.equal(fs.existsSync(pwned), false, 'no command ran');
      } finally {
        fs.rmSync(path.join(sandbox.config, 'environ.d'), { recursive: true, force: true });
      }
    });

    test('--env values with odd characters are kept literally; bad names are refused', async () => {
      const pwned = path.join(sandbox.dir, 'pwned-flag');
      const literal = await sandbox.enroot(['start', '-e', `Q=$(touch ${pwned})`, '-e', 'SPACES=a  b', '-e', 'QUOTES="x\'', '-e', 'EMPTY=', 'c', 'env']);
      assert.equal(literal.status, 0, literal.stderr);
      const env = environment(literal.stdout);
      assert.equal(env.get('Q'), `$(touch ${pwned})`);
      assert.equal(env.get('SPACES'), 'a  b');
      assert.equal(env.get('EMPTY'), '');
      assert.equal(fs.existsSync(pwned), false);
      for (const bad of ['=x', 'A-B=1', '1X=1', '', 'A B=1']) {
        assertOneError(await sandbox.enroot(['start', '-e', bad, 'c', 'true']), /Invalid argument|needs a KEY/);
      }
    });

    test('a --env value with a newline injects no second variable', async () => {
      const newline = await sandbox.enroot(['start', '-e', 'NL=a\nINJECTED=1', '-e', 'FROM_HOST', 'c', 'env'], { extra: { FROM_HOST: 'b\nINJECTED_FROM_HOST=1' } });
      if (newline.status === 0) {
        const env = environment(newline.stdout);
        assert.equal(env.has('INJECTED'), false, newline.stdout);
        assert.equal(env.has('INJECTED_FROM_HOST'), false, newline.stdout);
      } else {
        assertOneError(newline, /Invalid argument/);
      }
    });

    test('--mount values with whitespace, newlines or shell syntax are refused or taken literally', async () => {
      const pwned = path.join(sandbox.dir, 'pwned-mount');
      for (const bad of [`${host}:/mnt x`, `${host}:/mnt\n/etc:/etc2`, `${host}\t:/mnt`, '']) {
        assertOneError(await sandbox.enroot(['start', '-m', bad, 'c', 'true']), /Invalid argument|needs a FSTAB/);
      }
      const shell = await sandbox.enroot(['start', '-m', `tmpfs:/$(touch${'\\040'}${pwned}):tmpfs:x-create=dir`, 'c', 'true']);
      assert.ok(shell.status === 0 || shell.status === 1, shell.stderr);
      const escaped = await sandbox.enroot(['start', '-m', 'tmpfs:/with\\040space:tmpfs:x-create=dir', 'c', 'sh', '-c', 'test -d "/with space" && echo ok']);
      assert.equal(escaped.stdout, 'ok\n', escaped.stderr);
      assert.equal(fs.existsSync(pwned), false, 'no shell ran');
      hostUntouched();
    });

    test('container names ., .., paths and options are refused by start, create, export, remove and load', async () => {
      const image = sandbox.image('named');
      const parent = fs.readdirSync(path.dirname(sandbox.data)).sort();
      for (const name of ['.', '..', 'a/b', '/abs', '../escape', '-x']) {
        // load checks the name before it contacts the (unreachable) registry.
        const load = ['load', '-n', name, 'docker://127.0.0.1:9#hostile/name:1'];
        for (const args of [['start', '--', name, 'true'], ['create', '-n', name, image], ['export', '-o', path.join(sandbox.dir, 'out.sqsh'), '--', name], ['remove', '-f', '--', name], load]) {
          assertOneError(await sandbox.enroot(args), name === '/abs' && args[0] === 'start' ? /Invalid argument|No such file/ : /Invalid argument/);
        }
      }
      assert.deepEqual(fs.readdirSync(path.dirname(sandbox.data)).sort(), parent, 'nothing created or removed next to the data directory');
      assert.deepEqual(fs.readdirSync(sandbox.data), ['c']);
      hostUntouched();
    });
  });
}
