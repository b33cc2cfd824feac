// Environment files: normalisation (envfmt), loading, --env values and ${NAME} substitution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { environmentArgument, isValidEnvironmentArgument, loadEnvironment, normaliseEnvironment, normaliseLine } from '../../src/runtime/environment.js';
import { substitute } from '../../src/runtime/substitute.js';
import { fakeRootFilter } from '../../src/sys/seccomp.js';

test('normalisation follows the reference examples', () => {
  assert.equal(normaliseLine('Q="a b"'), 'Q=a b');
  assert.equal(normaliseLine("Q='x'   "), 'Q=x');
  assert.equal(normaliseLine('Q="mixed\''), 'Q=mixed');
  assert.equal(normaliseLine('Q="a" "b"'), 'Q=a" "b');
  assert.equal(normaliseLine('Q=  "x"'), 'Q=  "x"');
  assert.equal(normaliseLine('Q="open'), 'Q="open');
  assert.equal(normaliseLine('EMPTY='), 'EMPTY=');
  assert.equal(normaliseLine('   X=1'), 'X=1');
  for (const dropped of ['', '# comment', 'export X=1', '1X=2', 'ENROOT_DEBUG=y', 'NOEQUALS']) assert.equal(normaliseLine(dropped), null, dropped);
  assert.equal(normaliseEnvironment('A=1\n\n#c\nB="2"\n'), 'A=1\nB=2\n');
});

test('loading clears nothing it should keep: later lines win, invalid lines are skipped', () => {
  assert.deepEqual(loadEnvironment('A=1\nB=x=y\nA=2\n continuation\n=bad\n'), { A: '2', B: 'x=y' });
});

test('--env values: NAME=VALUE as given, a bare NAME copies the caller\'s value', () => {
  const lookup = (name: string) => (name === 'HOST' ? 'value' : undefined);
  assert.equal(environmentArgument('A=b=c', lookup), 'A=b=c');
  assert.equal(environmentArgument('HOST', lookup), 'HOST=value');
  assert.equal(environmentArgument('UNSET', lookup), 'UNSET=');
  assert.equal(isValidEnvironmentArgument('_A1=x y'), true);
  assert.equal(isValidEnvironmentArgument('A-B=1'), false);
  assert.equal(isValidEnvironmentArgument('1A'), false);
});

test('${NAME} substitution: only that syntax, unset is empty, no rescanning, no injected lines', () => {
  const values: Record<string, string> = { A: 'x', LOOP: '${A}', MULTI: 'one\ntwo' };
  const lookup = (name: string) => values[name];
  assert.equal(substitute('${A} $A ${A:-d} ${1} ${UNSET}. ${LOOP} ${MULTI}', lookup), 'x $A ${A:-d} ${1} . ${A} one');
});

test('the seccomp filter fakes success only for the native ABI, and lets setfsuid(-1) query', () => {
  const program = fakeRootFilter('x64');
  // Run the BPF program on a seccomp_data record: a tiny interpreter for the instructions we emit.
  const run = (arch: number, nr: number, arg0: number): number => {
    let accumulator = 0;
    for (let pc = 0; pc < program.length; pc += 1) {
      const [code, jt, jf, k] = program[pc] as [number, number, number, number];
      if (code === 0x20) accumulator = k === 4 ? arch : k === 0 ? nr : arg0;
      else if (code === 0x15) pc += accumulator === k >>> 0 ? jt : jf;
      else if (code === 0x06) return k;
    }
    throw new Error('fell off the program');
  };
  const ALLOW = 0x7fff0000;
  const SUCCESS = 0x00050000;
  const X86_64 = 0xc000003e;
  assert.equal(run(X86_64, 92, 0), SUCCESS, 'chown');
  assert.equal(run(X86_64, 260, 0), SUCCESS, 'fchownat');
  assert.equal(run(X86_64, 116, 0), SUCCESS, 'setgroups');
  assert.equal(run(X86_64, 122, 5), SUCCESS, 'setfsuid(5)');
  assert.equal(run(X86_64, 122, 0xffffffff), ALLOW, 'setfsuid(-1)');
  assert.equal(run(X86_64, 0, 0), ALLOW, 'read');
  assert.equal(run(0x40000003, 92, 0), ALLOW, 'i386 ABI');
});
