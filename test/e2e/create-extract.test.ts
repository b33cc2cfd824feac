// Property test of enroot create's own squashfs extractor: random trees (every entry type, hardlinks,
// sparse files, xattrs, deep paths, big directories) packed by mksquashfs with several option sets and by
// our writer must come out exactly as `unsquashfs -user-xattrs` followed by the container permission fix
// leaves them: names, types, modes, sizes, contents, symlink targets, link counts, times, user.* xattrs,
// and owners as root. Device nodes are left out and counted. As root and as the unprivileged test user;
// as the latter, unsquashfs cannot set some xattrs (see extract-oracle.ts), so the xattrs expected are
// the tree's own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mksquashfsBaseOptions, parseSquashOptions, SquashfsWriter } from '../../src/squashfs/index.js';
import { extractWithOracle, extractWithOurs, userDirectory } from '../fixtures/extract-oracle.js';
import { feedWriter, generateRandomTree, materializeTree, type RandomTree } from '../fixtures/random-tree.js';
import { manifestDifferences, readManifest, type Manifest, type RunAs } from '../fixtures/squashfs-manifest.js';
import { isRoot, scratchDirectory } from '../fixtures/squashfs-oracles.js';
import { unprivilegedUser } from '../fixtures/users.js';

const MKFS_TIME = 1_700_000_000;
const BLOCK_SIZE = 128 * 1024;

interface Variant {
  label: string;
  /** mksquashfs options, or our writer's (ENROOT_SQUASH_OPTIONS words). */
  pack: { by: 'mksquashfs'; options: string[] } | { by: 'writer'; words: string[]; mksquashfsBase: boolean };
  /** Extract onto another filesystem than the image's (no copy inside the kernel there). */
  elsewhere?: boolean;
  /** The image stores no xattrs. */
  noXattrs?: boolean;
}

const VARIANTS: Variant[] = [
  { label: 'mksquashfs -comp gzip (everything compressed)', pack: { by: 'mksquashfs', options: ['-comp', 'gzip'] } },
  { label: 'mksquashfs -noD', pack: { by: 'mksquashfs', options: ['-noD'] } },
  { label: 'mksquashfs -noF', pack: { by: 'mksquashfs', options: ['-noF'] } },
  { label: 'mksquashfs -noI', pack: { by: 'mksquashfs', options: ['-noI'] } },
  { label: 'mksquashfs -b 4096', pack: { by: 'mksquashfs', options: ['-b', '4096'] } },
  { label: 'mksquashfs -no-xattrs -noD -noF', pack: { by: 'mksquashfs', options: ['-no-xattrs', '-noD', '-noF'] }, noXattrs: true },
  { label: 'our writer, enroot defaults (-comp gzip -noD -noF)', pack: { by: 'writer', words: [], mksquashfsBase: false } },
  { label: 'our writer, everything compressed, 4K blocks, onto another filesystem', pack: { by: 'writer', words: ['-b', '4K'], mksquashfsBase: true }, elsewhere: true },
];

function runAsUsers(): { label: string; user?: RunAs }[] {
  if (!isRoot) return [{ label: 'as the current user' }];
  const user = unprivilegedUser();
  return [{ label: 'as root' }, { label: `as ${user.name}`, user: { uid: user.uid, gid: user.gid } }];
}

/** The user.* xattrs of each path of the tree, hex-encoded as manifests have them. */
function userXattrsOf(tree: RandomTree): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  for (const entry of tree.entries) {
    if (entry.type === 'hardlink') continue;
    const user = Object.entries(entry.meta.xattrs ?? {}).filter(([name]) => name.startsWith('user.'));
    found.set(entry.path, Object.fromEntries(user.map(([name, value]) => [name, value.toString('hex')])));
  }
  for (const entry of tree.entries) if (entry.type === 'hardlink') found.set(entry.path, found.get(entry.target)!);
  return found;
}

/** `manifest` with each path's xattrs replaced by those `xattrs` gives it (none when it gives none). */
function withXattrs(manifest: Manifest, xattrs: Map<string, Record<string, string>>): Manifest {
  return Object.fromEntries(Object.entries(manifest).map(([path, entry]) => [path, { ...entry, xattrs: xattrs.get(path) ?? {} }]));
}

/** Device nodes in the tree: every name of one is left out. */
const deviceNames = (tree: RandomTree): number => tree.entries.filter((entry) => entry.type === 'char' || entry.type === 'block').length;

describe('enroot create extractor against unsquashfs', () => {
  let scratch: string;
  let elsewhere: string;
  let sourceTree: string;
  let tree: RandomTree;
  before(() => {
    scratch = scratchDirectory('extract');
    elsewhere = mkdtempSync('/tmp/enroot-extract-');
    // The unprivileged user reads the images and extracts below these.
    for (const directory of [scratch, elsewhere]) chmodSync(directory, 0o755);
    // The tree is made once; each variant packs it its own way.
    tree = generateRandomTree({ seed: 7, entries: 1500, blockSize: BLOCK_SIZE, bigDirectories: 1 });
    if (isRoot) {
      sourceTree = path.join(scratch, 'tree');
      mkdirSync(sourceTree);
      materializeTree(tree, sourceTree);
    }
  });
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  async function pack(variant: Variant, image: string): Promise<void> {
    if (variant.pack.by === 'mksquashfs') {
      const result = spawnSync('mksquashfs', [sourceTree, image, ...variant.pack.options, '-noappend', '-no-progress', '-quiet', '-processors', '2'], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      return;
    }
    const base = variant.pack.mksquashfsBase ? mksquashfsBaseOptions() : undefined;
    const options = { ...parseSquashOptions(variant.pack.words, base), mkfsTime: MKFS_TIME };
    const writer = await SquashfsWriter.create(image, options);
    await feedWriter(writer, tree);
    await writer.finish();
  }

  VARIANTS.forEach((variant, index) => {
    const needsRoot = variant.pack.by === 'mksquashfs' && !isRoot;
    describe(variant.label, { skip: needsRoot ? 'the tree for mksquashfs gets its owners, devices and xattrs as root' : false }, () => {
      const image = (): string => path.join(scratch, `${index}.sqsh`);
      before(() => pack(variant, image()));

      for (const { label, user } of runAsUsers()) {
        it(`extracts the same tree ${label}`, async () => {
          const work = userDirectory(scratch, `${index}-${user?.uid ?? 'self'}`, user);
          const oursParent = variant.elsewhere ? userDirectory(elsewhere, `${index}-${user?.uid ?? 'self'}`, user) : work;
          const privileged = user === undefined && isRoot;
          const oracle = await extractWithOracle(image(), path.join(work, 'oracle'), { user, xattrs: privileged });
          const ours = extractWithOurs(image(), userDirectory(oursParent, 'ours', user), user);
          let expected = await readManifest(path.join(work, 'oracle'));
          if (!privileged) expected = withXattrs(expected, variant.noXattrs ? new Map() : userXattrsOf(tree));
          const differences = manifestDifferences(expected, await readManifest(path.join(oursParent, 'ours')));
          assert.deepEqual(differences, [], `our extractor gives another tree than unsquashfs:\n${differences.join('\n')}`);
          assert.equal(ours.deviceNodes, deviceNames(tree), 'every device node name is counted');
          if (privileged) assert.equal(oracle.deviceNodes, ours.deviceNodes, 'unsquashfs as root created the same device nodes');
          rmSync(work, { recursive: true, force: true });
          rmSync(oursParent, { recursive: true, force: true });
        });
      }
    });
  });
});
