// The demo of the main job, offline: a real registry on loopback serves a small busybox image, which is
// imported into a squashfs file, unpacked into a container and started, each step printed as a user
// would type it. Run it with `npm run demo`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENROOT_BIN } from '../test/fixtures/cli.js';
import { busyboxLayer, buildImage, pushImage } from '../test/fixtures/images.js';
import { startRegistry } from '../test/fixtures/registry.js';

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const shellWord = (word: string) => (/^[\w@%+=:,./#-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

async function main(): Promise<number> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-demo-'));
  const registry = await startRegistry('plain');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    TERM: process.env.TERM ?? 'dumb',
    ENROOT_CONF_FILE: path.join(work, 'enroot.conf'),
    ENROOT_DATA_PATH: path.join(work, 'data'),
    ENROOT_CACHE_PATH: path.join(work, 'cache'),
    ENROOT_CONFIG_PATH: path.join(work, 'config'),
    ENROOT_RUNTIME_PATH: path.join(work, 'run'),
    ENROOT_ALLOW_HTTP: 'y', // the demo registry speaks plain HTTP on loopback
  };
  const enroot = (...args: string[]): boolean => {
    console.log(`\n${bold(`$ enroot ${args.map(shellWord).join(' ')}`)}`);
    const result = spawnSync(process.execPath, [ENROOT_BIN, ...args], { env, cwd: work, stdio: 'inherit' });
    return result.status === 0;
  };
  try {
    console.log(`Serving a busybox image from a local registry at ${registry.host} ...`);
    const image = await buildImage({
      layers: [busyboxLayer(), { entries: [{ path: 'etc/motd', content: 'Hello from inside an enroot container!\n' }] }],
      config: { Env: ['GREETING=hello'], Cmd: ['/bin/sh'], WorkingDir: '/', Labels: { 'org.example.demo': 'yes' } },
    });
    await pushImage(registry, 'demo/busybox', '1.0', image);
    const uri = `docker://${registry.host}#demo/busybox:1.0`;
    const steps: string[][] = [
      ['version'],
      ['digest', uri],
      ['import', '-o', 'busybox.sqsh', uri],
      ['create', '-n', 'demo', 'busybox.sqsh'],
      ['list'],
      ['start', 'demo', 'sh', '-c', 'cat /etc/motd; echo "uid=$(id -u) GREETING=$GREETING"; cat /.enroot/source'],
      ['start', '--root', '--rw', 'demo', 'sh', '-c', 'echo "uid=$(id -u)"; touch /written && ls -l /written'],
      ['start', 'busybox.sqsh', 'sh', '-c', 'echo "started straight from the image: $(cat /etc/motd)"'],
      ['export', '-o', 'demo-modified.sqsh', 'demo'],
      ['remove', '-f', 'demo'],
    ];
    for (const step of steps) {
      if (!enroot(...step)) {
        console.log(`\nThe demo stopped at "enroot ${step[0]}" (see the message above).`);
        return 1;
      }
    }
    console.log('\nDemo complete.');
    return 0;
  } finally {
    await registry.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
