// The benchmark's input: a ~2 GB tree shaped like a container image: tens of thousands of small files
// (text-like and binary-like contents, sizes skewed small), a few hundred medium files, a few large ones,
// about 5% duplicate files, some symlinks and hardlinks, in a couple of thousand directories.
import { createCipheriv, createHash } from 'node:crypto';
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomSource } from '../test/fixtures/random-tree.js';

export interface BenchTreeSpec {
  smallFiles: number;
  mediumFiles: number;
  largeFiles: number;
  directories: number;
  /** Trees of different seeds have different contents (default 2024). */
  seed?: number;
}

export const DEFAULT_BENCH_TREE: BenchTreeSpec = { smallFiles: 40_000, mediumFiles: 250, largeFiles: 8, directories: 2_000 };

const WORDS = 'the of and to in is was for on that with as by at from image layer file data config lib usr share bin etc python3 include module return function value error'.split(' ');

function textCorpus(random: () => number, size: number): Buffer {
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    const piece = random() < 0.1 ? `${word}\n` : `${word} `;
    parts.push(piece);
    length += piece.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

/** Write the tree under `root`; returns its total file bytes. */
export function generateBenchTree(root: string, spec: BenchTreeSpec = DEFAULT_BENCH_TREE): number {
  const seed = spec.seed ?? 2024;
  const random = randomSource(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const corpus = textCorpus(random, 4 * 1024 * 1024);
  let stream = 0;
  const binary = (size: number): Buffer => {
    const key = createHash('sha256').update(`${seed}:${stream++}`).digest().subarray(0, 16);
    return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
  };
  const contents = (size: number): Buffer => {
    if (random() < 0.5) return binary(size);
    const start = int(corpus.length - Math.min(size, corpus.length));
    if (size <= corpus.length) return Buffer.from(corpus.subarray(start, start + size));
    const data = Buffer.allocUnsafe(size);
    for (let at = 0; at < size; at += corpus.length) corpus.copy(data, at, 0, Math.min(corpus.length, size - at));
    // Large text files get binary stretches too, like real archives and binaries.
    for (let at = 0; at + 65536 < size; at += 1 << 20) binary(65536).copy(data, at);
    return data;
  };

  const directories = [root];
  for (let i = 0; i < spec.directories; i++) {
    const path = join(directories[int(directories.length)]!, `dir${i}`);
    mkdirSync(path);
    directories.push(path);
  }
  const written: { path: string; data: Buffer }[] = [];
  let total = 0;
  let fileNumber = 0;
  const addFile = (size: number): void => {
    const path = join(directories[int(directories.length)]!, `file${fileNumber++}${random() < 0.3 ? '.py' : ''}`);
    const earlier = written.length > 0 && random() < 0.05 ? written[int(written.length)] : undefined;
    const data = earlier && earlier.data.length < 1 << 20 ? earlier.data : contents(size);
    writeFileSync(path, data);
    if (data.length < 1 << 20 && written.length < 5000) written.push({ path, data });
    total += data.length;
  };
  for (let i = 0; i < spec.smallFiles; i++) addFile(Math.floor(Math.exp(random() * Math.log(64 * 1024))) - 1);
  for (let i = 0; i < spec.mediumFiles; i++) addFile((1 << 20) + int(9 << 20));
  for (let i = 0; i < spec.largeFiles; i++) addFile((40 << 20) + int(60 << 20));
  for (let i = 0; i < 500; i++) {
    symlinkSync(`../target${i}`, join(directories[int(directories.length)]!, `link${i}`));
    const target = written[int(written.length)]!;
    linkSync(target.path, join(directories[int(directories.length)]!, `hardlink${i}`));
  }
  return total;
}
