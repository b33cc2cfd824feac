#!/usr/bin/env node
// Bundles the CLI into dist/bundle, in two forms:
// - main.js and its chunks (ES modules, code splitting): every command, each command's code in its own
//   chunk, loaded only when that command runs; the workers beside them.
// - runtime-cli.cjs and stage2.cjs (CommonJS, one file each): the two Node processes of `enroot start`
//   (the CLI for start/batch/exec, then stage 2 inside the namespaces). One CommonJS file skips Node's ES
//   module loader and the resolution of ~20 chunks, about half of each process's start-up.
// The bundle is built beside the old one and swapped in, so no stale chunk from an earlier build lingers
// and a command running meanwhile finds a whole bundle. Native addons stay outside the bundle.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  absWorkingDir: root,
  outdir: 'dist/bundle.new',
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['koffi', '@mongodb-js/zstd'],
  sourcemap: true,
  logLevel: 'warning',
};

const [bundle, fresh] = [path.join(root, 'dist', 'bundle'), path.join(root, 'dist', 'bundle.new')];
fs.rmSync(fresh, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { main: 'src/cli/cli.ts', 'deflate-worker': 'src/squashfs/deflate-worker.ts', 'extract-worker': 'src/image/extract-worker.ts' },
  splitting: true,
  format: 'esm',
  // Bundled CommonJS dependencies call require(); give ESM chunks one.
  banner: { js: "import { createRequire as __enrootCreateRequire } from 'node:module'; const require = __enrootCreateRequire(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: { 'runtime-cli': 'src/cli/runtime-cli.ts', stage2: 'src/runtime/stage2.ts' },
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // The code finds its package and stage 2 from import.meta.url; these files live beside the ES chunks.
  define: { 'import.meta.url': '__enrootModuleUrl' },
  banner: { js: "const __enrootModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
fs.rmSync(bundle, { recursive: true, force: true });
fs.renameSync(fresh, bundle);
