#!/usr/bin/env node
// Bundles the CLI for fast start-up: every Node process of `enroot start` (the CLI, then stage 2 inside the
// namespaces) loads a few files instead of dozens of modules. Code splitting keeps each command's code in
// its own chunk, loaded only when that command runs. Native addons stay outside the bundle.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts', stage2: 'src/runtime/stage2.ts', 'deflate-worker': 'src/squashfs/deflate-worker.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['koffi', '@mongodb-js/zstd'],
  // Bundled CommonJS dependencies call require(); give ESM chunks one.
  banner: { js: "import { createRequire as __enrootCreateRequire } from 'node:module'; const require = __enrootCreateRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});
