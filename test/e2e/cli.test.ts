// The enroot command as a user runs it: exit statuses, usage and help, version, info, and errors.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cleanEnv, runEnroot } from '../fixtures/cli.js';
import { makeUserTempDir, testUsers } from '../fixtures/users.js';

const COMMANDS = ['batch', 'bundle', 'create', 'digest', 'exec', 'export', 'import', 'list', 'load', 'remove', 'start', 'info', 'version'];

for (const user of testUsers()) {
  describe(`as ${user.name} (uid ${user.uid})`, () => {
    const temp = makeUserTempDir(user);
    const home = path.join(temp.dir, 'home');
    fs.mkdirSync(home);
    if (process.getuid?.() === 0) fs.chownSync(home, user.uid, user.gid);
    const confFile = path.join(temp.dir, 'enroot.conf');
    const env = (extra: Record<string, string> = {}) => cleanEnv(home, { ENROOT_CONF_FILE: confFile, ...extra });
    const run = (args: string[], extra: Record<string, string> = {}) => runEnroot(args, { env: env(extra), user, cwd: temp.dir });
    after(() => temp.remove());

    test('--help and help print the general usage on stdout and exit 0', async () => {
      for (const args of [['--help'], ['-h'], ['help'], ['help', 'ignored']]) {
        const result = await run(args);
        assert.equal(result.status, 0, args.join(' '));
        for (const name of COMMANDS) assert.match(result.stdout, new RegExp(`^   ${name}\\b`, 'm'), `${name} listed`);
      }
    });

    test('no command or an unknown one prints the usage and exits 1', async () => {
      const none = await run([]);
      assert.equal(none.status, 1);
      assert.match(none.stderr, /^Usage: enroot COMMAND/m);
      const unknown = await run(['frobnicate']);
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /^\[ERROR\] Unknown command: frobnicate$/m);
    });

    test('start --help exits 0 with the start usage; start --bogus prints it with an error and exits 1', async () => {
      const help = await run(['start', '--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /^Usage: enroot start \[options\] \[--\] NAME\|IMAGE \[COMMAND\] \[ARG\.\.\.\]$/m);
      for (const option of ['--conf CONFIG', '--env KEY[=VAL]', '--rc SCRIPT', '--root', '--rw', '--mount FSTAB', '--pid', '--net', '--ipc', '--uts']) {
        assert.ok(help.stdout.includes(option), option);
      }
      const bogus = await run(['start', '--bogus']);
      assert.equal(bogus.status, 1);
      assert.equal(bogus.stdout, '');
      assert.match(bogus.stderr, /^\[ERROR\] Unknown option: --bogus\nUsage: enroot start /);
    });

    test('every command has a --help that exits 0', async () => {
      for (const name of COMMANDS.filter((n) => n !== 'version')) {
        const result = await run([name, '--help']);
        assert.equal(result.status, 0, name);
        assert.match(result.stdout, new RegExp(`^Usage: enroot ${name}\\b`), name);
      }
      const importHelp = await run(['import', '--help']);
      assert.match(importHelp.stdout, / Schemes:\n {3}docker:\/\//);
    });

    test('version works with XDG_RUNTIME_DIR unset and creates no directories', async () => {
      const result = await runEnroot(['version', '--help'], { env: cleanEnv(home), user });
      assert.equal(result.status, 0);
      assert.equal(result.stdout, '4.1.2\n');
      assert.deepEqual(fs.readdirSync(home), []);
    });

    test('info lists every setting, its value and where it came from', async () => {
      fs.writeFileSync(confFile, 'ENROOT_MAX_CONNECTIONS 3\n');
      const result = await run(['info'], { ENROOT_ALLOW_HTTP: 'yes' });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^Enroot version: 4\.1\.2$/m);
      assert.ok(result.stdout.includes(`Config file: ${confFile}\n`));
      assert.match(result.stdout, /^ {2}ENROOT_MAX_CONNECTIONS=3$/m);
      assert.match(result.stdout, /^ {2}ENROOT_ALLOW_HTTP=yes$/m);
      assert.ok(result.stdout.includes(`  ENROOT_DATA_PATH=${home}/.local/share/enroot\n`));
      assert.match(result.stdout, new RegExp(`^ {2}ENROOT_MAX_CONNECTIONS +${confFile.replace(/[.]/g, '\\.')}$`, 'm'));
      assert.match(result.stdout, /^ {2}ENROOT_ALLOW_HTTP +environment$/m);
      assert.match(result.stdout, /^ {2}ENROOT_DATA_PATH +default$/m);
      assert.match(result.stdout, /^ {2}ENROOT_REMAP_ROOT +not set$/m);
      fs.rmSync(confFile);
      assert.deepEqual(fs.readdirSync(home), []);
    });

    test('an invalid configuration file is one [ERROR] line naming it, exit 1', async () => {
      fs.writeFileSync(confFile, 'ENROOT_DATA_PATH "oops\n');
      const result = await run(['info']);
      fs.rmSync(confFile);
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, new RegExp(`^\\[ERROR\\] Invalid configuration file: ${confFile}`));
      assert.equal(result.stderr.trim().split('\n').length, 1);
    });

    test('batch reads #ENROOT_ directives: a script without ENROOT_ROOTFS is refused by name', async () => {
      const script = path.join(temp.dir, 'job.batch');
      fs.writeFileSync(script, '#!/usr/bin/env enroot batch\n#ENROOT_REMAP_ROOT=y\necho hi\n');
      const missing = await run(['batch', script]);
      assert.equal(missing.status, 1);
      assert.equal(missing.stderr, `[ERROR] Missing directive ENROOT_ROOTFS in ${script}\n`);
      const fromEnvironment = await run(['batch', script], { ENROOT_ROOTFS: 'x' });
      assert.doesNotMatch(fromEnvironment.stderr, /Missing directive/, 'a rootfs from the environment satisfies batch');
    });

    test('a command given something that does not exist fails with one [ERROR] line and exit 1', async () => {
      const failing: string[][] = [['bundle', 'x.sqsh'], ['create', 'x.sqsh'], ['exec', '999999999', 'true'], ['export', 'x'], ['remove', '-f', 'x'], ['start', 'x']];
      for (const args of failing) {
        const result = await run(args);
        assert.equal(result.status, 1, args.join(' '));
        assert.match(result.stderr, /^\[ERROR\] [^\n]+\n$/, args.join(' '));
        assert.doesNotMatch(result.stderr, /\bat .*\.js:\d+/, 'no stack trace');
      }
    });
  });
}
