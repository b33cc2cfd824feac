// import from podman:// and dockerd:// through the real podman command (and Debian's podman-docker shim as
// `docker`), with images pulled from the fixture registry: the result matches a registry import of the same image.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { runEnroot } from '../fixtures/cli.js';
import { makeEnrootHome } from '../fixtures/enroot-env.js';
import { buildImage, buildIndex, busyboxLayer, pushImage } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { currentUser } from '../fixtures/users.js';
import { unsquashfsCat, unsquashfsListing } from '../fixtures/squashfs-oracles.js';

const podmanMissing = spawnSync('podman', ['--version']).status !== 0;
const skip = podmanMissing ? 'podman is not installed (scripts/install-deps.sh installs it)' : process.getuid?.() !== 0 ? 'podman tests run as root' : false;

describe('podman:// and dockerd://', { skip }, () => {
  let registry: RegistryFixture;
  const home = makeEnrootHome(currentUser());
  const shimDir = path.join(home.dir, 'shim');
  let engineEnv: Record<string, string>;
  const pulled: string[] = [];

  before(async () => {
    registry = await startRegistry('plain');
    const base = busyboxLayer();
    const app = await buildImage({
      layers: [base, { entries: [{ path: 'etc/motd', content: 'hello\n' }, { path: 'bin/.wh.cat' }] }],
      config: { Env: ['A=1', 'B=two words'], Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo "$A"'], WorkingDir: '/srv/app', Labels: { owner: 'me' } },
    });
    await pushImage(registry, 'test/app', '1.0', app);
    const arm = await buildImage({ layers: [{ entries: [{ path: 'etc/motd', content: 'arm\n' }] }], architecture: 'arm64', variant: 'v8' });
    await pushImage(registry, 'test/multi', 'latest', buildIndex([app, arm]));
    // The fixture registry speaks plain HTTP: tell podman so, for this test only.
    const registries = path.join(home.dir, 'registries.conf');
    fs.writeFileSync(registries, `[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`);
    fs.mkdirSync(shimDir);
    fs.symlinkSync('/usr/bin/docker', path.join(shimDir, 'docker'));
    engineEnv = { ENROOT_ALLOW_HTTP: 'y', CONTAINERS_REGISTRIES_CONF: registries, PATH: `${shimDir}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  });
  after(async () => {
    for (const image of pulled) spawnSync('podman', ['rmi', '-f', image], { stdio: 'ignore' });
    await registry?.stop();
    home.remove();
  });

  const run = (args: string[], extra: Record<string, string> = {}) =>
    runEnroot(args, { env: home.env({ ...engineEnv, ...extra }), cwd: home.dir, timeoutMs: 120_000 });
  const unsquashCat = (image: string, file: string) => unsquashfsCat(path.join(home.dir, image), file);
  const listing = (image: string) => unsquashfsListing(path.join(home.dir, image));
  const containers = () => execFileSync('podman', ['ps', '-a', '-q'], { encoding: 'utf8' });
  const temporaries = () => fs.readdirSync(home.dir).filter((name) => name.includes('enroot-'));

  test('podman:// pulls a missing image and gives the same image as a registry import, with its own provenance', async () => {
    const image = `${registry.host}/test/app:1.0`;
    pulled.push(image);
    const containersBefore = containers();
    const env = { SOURCE_DATE_EPOCH: '1700000000' };
    const result = await run(['import', `podman://${image}`], env);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /\[INFO\] Fetching image\n/);
    const output = `${registry.host.replace(':', '+')}+test+app+1.0.sqsh`;
    assert.equal((await run(['import', '-o', 'registry.sqsh', `docker://${registry.host}#test/app:1.0`], env)).status, 0);
    assert.equal(unsquashCat(output, '.enroot/source'), `uri=podman://${image}\n`);
    const [provenance, ...rc] = unsquashCat(output, 'etc/rc').split('\n');
    assert.equal(provenance, `# enroot-provenance: podman://${image}`);
    assert.deepEqual(rc, unsquashCat('registry.sqsh', 'etc/rc').split('\n').slice(1));
    assert.equal(unsquashCat(output, 'etc/environment'), 'A=1\nB=two words\n');
    const withoutProvenance = (text: string) => text.split('\n').filter((line) => !/squashfs-root\/(\.enroot\/source|etc\/rc)$|^Parallel|^\d+ inodes/.test(line));
    assert.deepEqual(withoutProvenance(listing(output)), withoutProvenance(listing('registry.sqsh')), 'same tree, modes, owners and times');
    assert.equal(containers(), containersBefore, 'no container created or left');
    assert.deepEqual(temporaries(), []);
  });

  test('--arch pulls that platform; dockerd:// goes through the docker command', async () => {
    const image = `${registry.host}/test/multi:latest`;
    pulled.push(image);
    const arm = await run(['import', '-a', 'aarch64', '-o', 'arm.sqsh', `podman://${image}`]);
    assert.equal(arm.status, 0, arm.stderr);
    assert.doesNotMatch(arm.stderr, /\[WARN\]/);
    assert.equal(unsquashCat('arm.sqsh', 'etc/motd'), 'arm\n');
    const docker = await run(['import', '-o', 'docker.sqsh', `dockerd://${registry.host}/test/app:1.0`]);
    assert.equal(docker.status, 0, docker.stderr);
    assert.match(docker.stderr, /Emulate Docker CLI using podman/, 'the docker command ran');
    assert.equal(unsquashCat('docker.sqsh', '.enroot/source'), `uri=dockerd://${registry.host}/test/app:1.0\n`);
  });

  test('an image the engine cannot get is one error, leaving no output, temporary file or container', async () => {
    const containersBefore = containers();
    const result = await run(['import', '-o', 'absent.sqsh', `podman://${registry.host}/test/absent:1`]);
    assert.equal(result.status, 1);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('[ERROR]'));
    assert.deepEqual(errors, [`[ERROR] podman could not find or pull ${registry.host}/test/absent:1 (exit status 125): check the name with "podman images"`]);
    assert.equal(fs.existsSync(path.join(home.dir, 'absent.sqsh')), false);
    assert.deepEqual(temporaries(), []);
    assert.equal(containers(), containersBefore);
    const missing = await run(['import', 'podman://x'], { PATH: '/nonexistent' });
    assert.match(missing.stderr, /^\[ERROR\] Command not found: podman \(install it, or import the image another way\)\n$/m);
  });
});
