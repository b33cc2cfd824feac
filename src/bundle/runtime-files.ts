// The runtime a bundle carries so that it starts on a machine without this project or Node.js: this Node
// binary, the bundled CLI (main.js and the chunks it reaches, runtime-cli.cjs, stage2.cjs), the koffi FFI
// addon and the hook library, laid out like the package so the CLI finds them where it looks for them.
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';
import { PACKAGE_ROOT } from '../config/install.js';

/** Where the runtime goes inside the bundled tree. */
export const RUNTIME_DIR = '.enroot/runtime';

const ENTRY_CHUNKS = ['main.js', 'runtime-cli.cjs', 'stage2.cjs', 'deflate-worker.js'];
const LOCAL_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']\.\/([^"']+\.js)["']/g;

/** The entry chunks of dist/bundle and every chunk they import, directly or not. */
export function reachableChunks(bundleDir: string): string[] {
  const seen = new Set<string>();
  const pending = [...ENTRY_CHUNKS];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    // The pattern also matches import-like text inside bundled code; only real chunks count.
    if (seen.has(name) || !fs.existsSync(path.join(bundleDir, name))) continue;
    seen.add(name);
    for (const match of fs.readFileSync(path.join(bundleDir, name), 'utf8').matchAll(LOCAL_IMPORT)) pending.push(match[1] as string);
  }
  return [...seen].sort();
}

/** The directory of an installed package (koffi, and the platform package holding its native addon), found as Node finds it. */
function packageDirectory(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) break;
  }
  throw new EnrootError(`Cannot bundle the runtime: the package ${name} is not installed under ${from} (run npm install)`);
}

/** koffi loads its addon from @koromix/koffi-<platform>-<arch>; only that one is carried. */
function koffiAddonPackage(): string {
  return `@koromix/koffi-${process.platform}-${process.arch}`;
}

/** koffi's JavaScript, without its documentation and the C++ sources it ships for rebuilding. */
function isKoffiRuntimeFile(source: string): boolean {
  if (/\/(doc|vendor|lib)$/.test(source)) return false;
  return !/\.[A-Za-z]+$/.test(source) || /\.(js|cjs|json)$/.test(source);
}

/** Copies the runtime into `<tree>/.enroot/runtime`. */
export function copyRuntime(tree: string): void {
  const runtime = path.join(tree, RUNTIME_DIR);
  const bundleDir = path.join(PACKAGE_ROOT, 'dist', 'bundle');
  const chunks = reachableChunks(bundleDir);
  if (!chunks.includes('main.js')) throw new EnrootError(`Cannot bundle the runtime: ${bundleDir}/main.js is missing (run npm run build)`);
  fs.mkdirSync(path.join(runtime, 'bin'), { recursive: true });
  fs.copyFileSync(process.execPath, path.join(runtime, 'bin', 'node'));
  fs.chmodSync(path.join(runtime, 'bin', 'node'), 0o755);
  // The launcher is CommonJS by the package.json beside it.
  for (const file of ['enroot', 'package.json']) fs.copyFileSync(path.join(PACKAGE_ROOT, 'bin', file), path.join(runtime, 'bin', file));
  // A package.json marks the package root for the CLI and makes Node read the chunks as ES modules.
  fs.writeFileSync(path.join(runtime, 'package.json'), `${JSON.stringify({ name: 'enroot-bundle-runtime', private: true, type: 'module' })}\n`);
  fs.mkdirSync(path.join(runtime, 'dist', 'bundle'), { recursive: true });
  for (const chunk of chunks) fs.copyFileSync(path.join(bundleDir, chunk), path.join(runtime, 'dist', 'bundle', chunk));
  fs.cpSync(path.join(PACKAGE_ROOT, 'lib'), path.join(runtime, 'lib'), { recursive: true, dereference: true });
  const koffi = packageDirectory('koffi', PACKAGE_ROOT);
  fs.cpSync(koffi, path.join(runtime, 'node_modules', 'koffi'), { recursive: true, dereference: true, filter: isKoffiRuntimeFile });
  const addon = packageDirectory(koffiAddonPackage(), koffi);
  fs.cpSync(addon, path.join(runtime, 'node_modules', koffiAddonPackage()), { recursive: true, dereference: true, filter: (source) => !source.includes('/musl_') });
}
