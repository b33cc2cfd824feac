// Hostile layers through `enroot import` that import-hostile and layers-hostile do not already cover: PAX
// records that rename an entry out of the tree, symlink loops, hardlinks to directories and to entries not
// yet seen, device nodes outside /dev, setuid-root files, absurd header fields (ids, times, modes, sizes,
// checksums, names) and a decompression bomb. Each tar is imported and loaded: either the image (and the
// container) is complete and holds nothing hostile, or the command ends in one [ERROR] line with no output;
// nothing is ever written outside.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { busyboxLayer, pushImage, type BuiltImage, type LayerBlob, type TarEntry } from '../fixtures/images.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { assertFailedCleanly, assertImported, assertOneError, imagePaths, IMPORT_TIMEOUT_MS, makeImportHome, type ImportHome } from '../fixtures/fault-import.js';
import { imageOfLayers, packRawTar, rawTarLayer, tarWithHeaderField, zeroFileBomb, type RawTarEntry } from '../fixtures/hostile-images.js';
import { PROJECT_ROOT } from '../fixtures/cli.js';
import { openFuseToEveryone } from '../fixtures/runtime-containers.js';
import { unprivilegedUser } from '../fixtures/users.js';
import { unsquashfsListing } from '../fixtures/squashfs-oracles.js';

let registry: RegistryFixture;
let outside: string;
const homes: ImportHome[] = [];

interface LayerCase {
  name: string;
  layer: () => Promise<LayerBlob>;
  /** The import succeeds with these paths present and absent, or fails with this one [ERROR] line. */
  outcome: { present: string[]; absent: string[] } | RegExp;
}

const raw = (entries: RawTarEntry[]) => () => packRawTar(entries).then(rawTarLayer);
const patched = (entries: TarEntry[], name: string, field: Parameters<typeof tarWithHeaderField>[2], value: string, keepChecksum = false) => () =>
  tarWithHeaderField(entries, name, field, value, keepChecksum).then(rawTarLayer);
const plainFile: TarEntry[] = [{ path: 'marker', content: 'before\n' }, { path: 'victim', content: 'x'.repeat(5000) }, { path: 'after', content: 'after\n' }];

function cases(): LayerCase[] {
  const escape = `../../../../../..${outside}`;
  return [
    {
      name: 'a PAX path record that renames a benign entry out of the tree',
      layer: raw([{ header: { name: 'benign', pax: { path: `${escape}/pax-escape` } }, content: 'x' }, { header: { name: 'kept' }, content: 'k' }]),
      outcome: { present: ['/kept'], absent: ['/benign'] },
    },
    {
      name: 'a PAX linkpath record that points a hardlink at a host file',
      layer: raw([{ header: { name: 'stolen', type: 'link', linkname: 'kept', pax: { linkpath: `${outside}/victim` } } }, { header: { name: 'kept' }, content: 'k' }]),
      outcome: { present: ['/kept'], absent: ['/stolen'] },
    },
    {
      name: 'a symlink loop with an entry below it',
      layer: raw([
        { header: { name: 'loop-a', type: 'symlink', linkname: 'loop-b' } },
        { header: { name: 'loop-b', type: 'symlink', linkname: 'loop-a' } },
        { header: { name: 'loop-a/file' }, content: 'x' },
      ]),
      outcome: { present: ['/loop-a', '/loop-b'], absent: ['/loop-a/file'] },
    },
    {
      name: 'a hardlink to a directory and one to an entry not yet seen',
      layer: raw([
        { header: { name: 'etc', type: 'directory' } },
        { header: { name: 'hl-dir', type: 'link', linkname: 'etc' } },
        { header: { name: 'hl-later', type: 'link', linkname: 'later' } },
        { header: { name: 'later' }, content: 'x' },
      ]),
      outcome: { present: ['/etc', '/later'], absent: ['/hl-dir', '/hl-later'] },
    },
    {
      name: 'uid and gid beyond 32 bits',
      layer: raw([{ header: { name: 'big-ids', pax: { uid: '1099511627776', gid: '1099511627776' } }, content: 'x' }]),
      outcome: { present: ['/big-ids'], absent: [] },
    },
    {
      name: 'times far in the future and before 1970, mode 07777',
      layer: raw([
        { header: { name: 'future', pax: { mtime: '99999999999.999' } }, content: 'x' },
        { header: { name: 'past', pax: { mtime: '-99999999999' } }, content: 'x' },
        { header: { name: 'all-bits', mode: 0o7777 }, content: 'x' },
      ]),
      outcome: { present: ['/future', '/past', '/all-bits'], absent: [] },
    },
    {
      name: 'a name of 1000 nested components (PAX path)',
      layer: raw([{ header: { name: 'short', pax: { path: `${'d/'.repeat(1000)}leaf` } }, content: 'x' }]),
      outcome: { present: [`/${'d/'.repeat(1000)}leaf`], absent: ['/short'] },
    },
    { name: 'a header with a wrong checksum', layer: patched(plainFile, 'victim', 'mode', '0000644', true), outcome: /^\[ERROR\] .*(checksum|tar|header|invalid|corrupt)/i },
    { name: 'a size field larger than the data that follows', layer: patched(plainFile, 'victim', 'size', '77777777770'), outcome: /^\[ERROR\] .*(truncated|unexpected end|tar|ended|invalid)/i },
    { name: 'a size field that is not a number', layer: patched(plainFile, 'victim', 'size', 'zzzzzzzzzzz'), outcome: /^\[ERROR\] .*(tar|header|invalid|size)/i },
    { name: 'an unknown entry type', layer: patched(plainFile, 'victim', 'typeflag', 'Z'), outcome: { present: ['/marker', '/after'], absent: [] } },
  ];
}

before(async () => {
  registry = await startRegistry('plain');
  outside = fs.mkdtempSync('/tmp/enroot-hostile-layers-');
  fs.chmodSync(outside, 0o777);
  fs.writeFileSync(path.join(outside, 'victim'), 'original\n', { mode: 0o666 });
});
after(async () => {
  for (const home of homes) home.remove();
  await registry?.stop();
  fs.rmSync(outside, { recursive: true, force: true });
});

function assertOutsideUntouched(): void {
  assert.deepEqual(fs.readdirSync(outside), ['victim']);
  assert.equal(fs.readFileSync(path.join(outside, 'victim'), 'utf8'), 'original\n');
}

async function importLayers(tag: string, layers: LayerBlob[], extra: Record<string, string> = {}, home = makeImportHome()) {
  const image: BuiltImage = await imageOfLayers([busyboxLayer()], layers);
  await pushImage(registry, 'hostile/layers', tag, image);
  homes.push(home);
  const before = home.entries();
  const result = await home.import(`docker://${registry.host}#hostile/layers:${tag}`, 'out.sqsh', extra);
  return { result, home, before };
}

describe('hostile layers', () => {
  /** lstat without following the last component; any error (ENOENT, ELOOP, ENOTDIR) means absent. */
  const exists = (file: string) => {
    try {
      fs.lstatSync(file);
      return true;
    } catch {
      return false;
    }
  };

  test('every hostile tar imports and loads cleanly or fails with one line, writing nothing outside', async (t) => {
    let tag = 0;
    for (const hostile of cases()) {
      tag += 1;
      const uri = `docker://${registry.host}#hostile/layers:${tag}`;
      let home: ImportHome | undefined;
      await t.test(`import: ${hostile.name}`, async () => {
        const imported = await importLayers(String(tag), [await hostile.layer()]);
        home = imported.home;
        const { result, before } = imported;
        if (hostile.outcome instanceof RegExp) {
          assertFailedCleanly(result, imported.home, before, hostile.outcome);
        } else {
          assertImported(result, imported.home, 'out.sqsh', ['/bin/busybox', ...hostile.outcome.present]);
          const paths = imagePaths(path.join(imported.home.dir, 'out.sqsh'));
          for (const absent of hostile.outcome.absent) assert.ok(!paths.includes(absent), `${absent} is not in the image:\n${result.stderr}`);
          assert.ok(paths.every((entry) => !entry.includes('pax-escape')));
        }
        assertOutsideUntouched();
      });
      // load writes the same merge to real files: the same outcome, in a directory.
      await t.test(`load: ${hostile.name}`, async () => {
        assert.ok(home !== undefined, 'the image was pushed');
        const loaded = await home.run(['load', '-n', 'loaded', uri]);
        const container = path.join(home.data, 'loaded');
        if (hostile.outcome instanceof RegExp) {
          assertOneError(loaded, hostile.outcome);
          assert.equal(fs.existsSync(container), false, 'no container');
        } else {
          assert.equal(loaded.status, 0, loaded.stderr);
          for (const present of hostile.outcome.present) assert.ok(exists(path.join(container, present)), `${present} loaded`);
          for (const absent of hostile.outcome.absent) assert.ok(!exists(path.join(container, absent)), `${absent} not loaded`);
        }
        assertOutsideUntouched();
      });
    }
  });

  test('device nodes outside /dev and setuid-root files are data only: a container cannot use them', async () => {
    const user = unprivilegedUser();
    openFuseToEveryone();
    const busybox = fs.readFileSync('/bin/busybox');
    const layer = await packRawTar([
      { header: { name: 'usr', type: 'directory' } },
      { header: { name: 'usr/evil-mem', type: 'character-device', devmajor: 1, devminor: 1, mode: 0o666 } },
      { header: { name: 'evil-disk', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o666 } },
      // busybox picks its applet by argv[0]: each copy keeps the name busybox.
      { header: { name: 'usr/suid', type: 'directory' } },
      { header: { name: 'usr/suid/busybox', mode: 0o4755, uid: 0, gid: 0 }, content: busybox },
      { header: { name: 'usr/sgid', type: 'directory' } },
      { header: { name: 'usr/sgid/busybox', mode: 0o2755, uid: 0, gid: 0 }, content: busybox },
    ]).then(rawTarLayer);
    const home = makeImportHome(user);
    const { result } = await importLayers('devices', [layer], {}, home);
    assert.equal(result.status, 0, result.stderr);
    const image = path.join(home.dir, 'out.sqsh');
    const listing = unsquashfsListing(image);
    // The image keeps them as data, as a registry would serve them...
    assert.match(listing, /^-rwsr-xr-x 0\/0 .* squashfs-root\/usr\/suid\/busybox$/m);
    assert.match(listing, /^crw-rw-rw- 0\/0 +1, +1 .* squashfs-root\/usr\/evil-mem$/m);
    // ...but starting it gives the caller no device and no privilege.
    const started = await home.run(['start', image, 'sh', '-c', 'cat /usr/evil-mem >/dev/null 2>&1 && echo mem-readable; cat /evil-disk >/dev/null 2>&1 && echo disk-readable; /usr/suid/busybox id -u; /usr/sgid/busybox id -g'], {
      ENROOT_SYSCONF_PATH: path.join(PROJECT_ROOT, 'conf'),
    });
    assert.equal(started.status, 0, `${started.stderr}\n${listing}`);
    assert.equal(started.stdout, `${user.uid}\n${user.gid}\n`, started.stderr);
    assertOutsideUntouched();
  });

  test('load and create as root write no usable device node outside /dev to the host filesystem', {
    skip: process.getuid?.() !== 0 ? 'only root can create device nodes' : false,
  }, async () => {
    const layer = await packRawTar([
      { header: { name: 'usr', type: 'directory' } },
      { header: { name: 'usr/evil-mem', type: 'character-device', devmajor: 1, devminor: 1, mode: 0o666 } },
      { header: { name: 'evil-disk', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o666 } },
    ]).then(rawTarLayer);
    const { result, home } = await importLayers('root-devices', [layer]);
    assert.equal(result.status, 0, result.stderr);
    const loaded = await home.run(['load', '-n', 'loaded', `docker://${registry.host}#hostile/layers:root-devices`]);
    const created = await home.run(['create', '-n', 'created', 'out.sqsh']);
    const usable: string[] = [];
    for (const [name, run] of [['loaded', loaded], ['created', created]] as const) {
      assert.equal(run.status, 0, run.stderr);
      for (const node of ['usr/evil-mem', 'evil-disk']) {
        const stat = fs.lstatSync(path.join(home.data, name, node), { throwIfNoEntry: false });
        if (stat !== undefined && (stat.isCharacterDevice() || stat.isBlockDevice()) && (stat.mode & 0o777) !== 0) usable.push(`${name}/${node}`);
      }
    }
    assert.deepEqual(usable, [], 'no usable device node on the host filesystem');
    assertOutsideUntouched();
  });

  test('a decompression bomb (1 GiB of zeros in under 8 MB) imports within the memory budget', { timeout: IMPORT_TIMEOUT_MS * 2 }, async () => {
    const bomb = await zeroFileBomb('zeros', 1024 * 1024 * 1024);
    assert.ok(bomb.size < 8 * 1024 * 1024, `the bomb is small: ${bomb.size}`);
    const image = await imageOfLayers([], [bomb]);
    await pushImage(registry, 'hostile/layers', 'bomb', image);
    const home = makeImportHome();
    homes.push(home);
    const { result, peakBytes } = await home.runMeasured(['import', '-o', 'out.sqsh', `docker://${registry.host}#hostile/layers:bomb`]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(peakBytes < 256 * 1024 * 1024, `peak memory ${peakBytes} bytes is within the 256 MB budget`);
    const listing = unsquashfsListing(path.join(home.dir, 'out.sqsh'));
    assert.match(listing, /\s1073741824 \S+ \S+ squashfs-root\/zeros$/m);
  });
});
