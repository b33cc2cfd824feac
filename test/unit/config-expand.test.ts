import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandValue, ExpansionError } from '../../src/config/expand.js';

const vars: Record<string, string> = { HOME: '/home/u', EMPTY: '', SPACED: '  a   b  ', N: '4' };
const commands: string[] = [];
const context = {
  lookup: (name: string) => vars[name],
  runCommand: (command: string) => {
    commands.push(command);
    return command === 'nproc' ? '8\n\n' : `ran:${command}\n`;
  },
};
const expand = (raw: string) => expandValue(raw, context);

test('variables in every supported form', () => {
  assert.equal(expand('$HOME/x'), '/home/u/x');
  assert.equal(expand('${HOME}x'), '/home/ux');
  assert.equal(expand('${MISSING:-/d}'), '/d');
  assert.equal(expand('${EMPTY:-/d}'), '/d');
  assert.equal(expand('${EMPTY-/d}'), '');
  assert.equal(expand('${MISSING-/d}'), '/d');
  assert.equal(expand('${HOME:+set}'), 'set');
  assert.equal(expand('${EMPTY:+set}'), '');
  assert.equal(expand('${MISSING:-${HOME}/y}'), '/home/u/y');
  assert.equal(expand('$MISSING'), '');
});

test('command substitution runs the command and strips trailing newlines', () => {
  assert.equal(expand('$(nproc)'), '8');
  assert.equal(expand('`nproc`'), '8');
  assert.equal(expand('x$(echo (a))y'), 'xran:echo (a)y');
  assert.ok(commands.includes('echo (a)'));
});

test('quotes are removed; unquoted blanks collapse; quoted blanks stay', () => {
  assert.equal(expand('"a  b"'), 'a  b');
  assert.equal(expand("'$HOME  x'"), '$HOME  x');
  assert.equal(expand('a    b\tc'), 'a b c');
  assert.equal(expand('$SPACED'), 'a b');
  assert.equal(expand('"$SPACED"'), '  a   b  ');
  assert.equal(expand('-comp gzip   -noD'), '-comp gzip -noD');
  assert.equal(expand('a\\ \\ b'), 'a  b');
  assert.equal(expand('"a\\"b\\$c"'), 'a"b$c');
});

test('an unquoted # at the start of a word begins a comment', () => {
  assert.equal(expand('value # a comment'), 'value');
  assert.equal(expand('a#b'), 'a#b');
  assert.equal(expand('"# not a comment"'), '# not a comment');
});

test('no pathname globbing', () => {
  assert.equal(expand('/etc/*'), '/etc/*');
});

test('malformed values are errors, not guesses', () => {
  for (const raw of ['"open', "'open", '$(open', '${open', '${#HOME}', '`open']) {
    assert.throws(() => expand(raw), ExpansionError, raw);
  }
});
