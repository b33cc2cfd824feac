import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelpRequested, parseArguments } from '../../src/cli/parse.js';
import { UsageError } from '../../src/errors.js';
import { startCommand } from '../../src/cli/start.js';
import { importCommand } from '../../src/cli/import.js';
import { listCommand } from '../../src/cli/list.js';
import { infoCommand } from '../../src/cli/info.js';
import { execCommand } from '../../src/cli/exec.js';
import { optionValue, optionValues, flag } from '../../src/cli/command.js';

test('arguments after the container name pass through untouched', () => {
  const parsed = parseArguments(startCommand, ['-w', 'c', 'ls', '-la', '--rw', '--']);
  assert.deepEqual(parsed.args, ['c', 'ls', '-la', '--rw', '--']);
  assert.equal(flag(parsed, 'rw'), true);
  assert.equal(flag(parsed, 'root'), false);
});

test('-- ends the options and is consumed', () => {
  const parsed = parseArguments(startCommand, ['--', '-weird-name', 'cmd']);
  assert.deepEqual(parsed.args, ['-weird-name', 'cmd']);
});

test('a lone - is a positional argument', () => {
  assert.deepEqual(parseArguments(importCommand, ['-']).args, ['-']);
});

test('short, long and --long=value forms give the same value; the last one wins', () => {
  for (const argv of [['-o', 'x.sqsh', 'docker://a'], ['--output', 'x.sqsh', 'docker://a'], ['--output=x.sqsh', 'docker://a'], ['-o', 'y', '--output=x.sqsh', 'docker://a']]) {
    const parsed = parseArguments(importCommand, argv);
    assert.equal(optionValue(parsed, 'output'), 'x.sqsh', argv.join(' '));
    assert.deepEqual(parsed.args, ['docker://a']);
  }
});

test('a value may start with a dash', () => {
  assert.equal(optionValue(parseArguments(importCommand, ['-o', '-x.sqsh', 'docker://a']), 'output'), '-x.sqsh');
});

test('repeatable options accumulate in order', () => {
  const parsed = parseArguments(startCommand, ['-e', 'A=1', '--env=B=2', '-m', '/a:/b', '--mount', '/c:/d', 'c']);
  assert.deepEqual(optionValues(parsed, 'env'), ['A=1', 'B=2']);
  assert.deepEqual(optionValues(parsed, 'mount'), ['/a:/b', '/c:/d']);
});

test('usage errors: unknown options, missing or empty values, bundled or attached short forms, argument counts', () => {
  const cases: [typeof importCommand, string[], RegExp][] = [
    [startCommand, ['--bogus', 'c'], /Unknown option: --bogus/],
    [importCommand, ['-o'], /needs a FILE value/],
    [importCommand, ['--output=', 'docker://a'], /needs a FILE value/],
    [importCommand, ['-o', '', 'docker://a'], /needs a FILE value/],
    [startCommand, ['-rw', 'c'], /Unknown option: -rw/],
    [importCommand, ['-ox.sqsh', 'docker://a'], /Unknown option: -ox.sqsh/],
    [startCommand, ['--rw=yes', 'c'], /takes no value/],
    [importCommand, [], /Missing argument/],
    [importCommand, ['docker://a', 'docker://b'], /Unexpected argument: docker:\/\/b/],
    [infoCommand, ['extra'], /Unexpected argument: extra/],
    [execCommand, ['123'], /Missing argument/],
  ];
  for (const [command, argv, message] of cases) {
    assert.throws(() => parseArguments(command, argv), (err: unknown) => err instanceof UsageError && message.test(err.message), argv.join(' '));
  }
});

test('-h and --help request help, but not after the first positional argument', () => {
  assert.throws(() => parseArguments(startCommand, ['-h']), HelpRequested);
  assert.throws(() => parseArguments(startCommand, ['-w', '--help', 'c']), HelpRequested);
  assert.deepEqual(parseArguments(startCommand, ['c', '--help']).args, ['c', '--help']);
});

test('list ignores positional arguments', () => {
  const parsed = parseArguments(listCommand, ['-f', 'whatever', 'else']);
  assert.equal(flag(parsed, 'fancy'), true);
  assert.deepEqual(parsed.args, []);
});
