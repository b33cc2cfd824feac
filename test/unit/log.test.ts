import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../src/log/log.js';
import { formatAmount, renderBar, startProgress } from '../../src/log/progress.js';

function sink(isTTY: boolean, colours = true) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, hasColors: () => colours, columns: 200, write: (chunk: string) => chunks.push(chunk) } };
}

test('plain prefixes when the stream is not a terminal', () => {
  const { chunks, stream } = sink(false);
  const logger = new Logger(stream);
  logger.info('a');
  logger.warn('b');
  logger.error('c');
  assert.deepEqual(chunks, ['[INFO] a\n', '[WARN] b\n', '[ERROR] c\n']);
  assert.equal(logger.interactive, false);
});

test('only the prefix is coloured on a colour terminal', () => {
  const { chunks, stream } = sink(true);
  new Logger(stream).error('boom');
  assert.equal(chunks[0], '\x1b[31m[ERROR]\x1b[0m boom\n');
  const mono = sink(true, false);
  new Logger(mono.stream).info('x');
  assert.equal(mono.chunks[0], '[INFO] x\n');
});

test('progress draws nothing when not on a terminal', () => {
  const { chunks, stream } = sink(false);
  const progress = startProgress('Downloading', { total: 100, unit: 'bytes', stream });
  progress.advance(50);
  progress.done();
  assert.deepEqual(chunks, []);
});

test('progress on a terminal redraws in place, at most every 100 ms, and ends the line', () => {
  const { chunks, stream } = sink(true);
  let now = 0;
  const progress = startProgress('Downloading', { total: 2048, unit: 'bytes', stream, now: () => now });
  progress.advance(1024);
  now = 50;
  progress.advance(512);
  now = 1000;
  progress.advance(512);
  progress.done();
  progress.done();
  assert.equal(chunks.length, 4);
  assert.ok(chunks.slice(0, 3).every((chunk) => chunk.startsWith('\r')));
  assert.match(chunks[2] as string, /\[#{30}\] 100% 2\.0 KiB\/2\.0 KiB 2\.0 KiB\/s/);
  assert.equal(chunks[3], '\n');
});

test('a bar started while another is drawn waits its turn on the line, keeping its count', () => {
  const chunks: string[] = [];
  const stream = { isTTY: true, write: (chunk: string) => chunks.push(chunk) };
  let now = 0;
  const download = startProgress('Downloading', { total: 100, unit: 'items', stream, now: () => now });
  const merge = startProgress('Merging', { total: 10, unit: 'items', stream, now: () => now });
  now = 500;
  merge.advance(4);
  download.advance(100);
  assert.ok(chunks.every((chunk) => !chunk.includes('Merging')), 'the waiting bar draws nothing');
  download.done();
  assert.match(chunks.at(-1) as string, /^\rMerging .* 4\/10/);
  merge.done();
  assert.equal(chunks.at(-1), '\n');
  assert.equal(chunks.filter((chunk) => chunk === '\n').length, 2);
});

test('bar rendering and amounts', () => {
  assert.equal(renderBar('Layers', 1, 4, 'items', 0), `Layers [${'#'.repeat(8)}${' '.repeat(22)}]  25% 1/4`);
  assert.equal(formatAmount(512, 'bytes'), '512 B');
  assert.equal(formatAmount(1536, 'bytes'), '1.5 KiB');
  assert.equal(formatAmount(3 * 1024 ** 3, 'bytes'), '3.0 GiB');
});

test('failures become one line: system errors name what and where, others say unexpected', async () => {
  const { EnrootError, failureMessage } = await import('../../src/errors.js');
  const fs = await import('node:fs');
  let systemError: unknown;
  try {
    fs.readFileSync('/nonexistent/enroot-test');
  } catch (err) {
    systemError = err;
  }
  assert.equal(failureMessage(systemError), 'No such file or directory: /nonexistent/enroot-test');
  assert.equal(failureMessage(new EnrootError('File already exists: /x')), 'File already exists: /x');
  assert.equal(failureMessage(new TypeError('boom')), 'Unexpected failure: boom');
});
