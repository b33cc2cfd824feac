// The fstab dialect: field inference, pass numbers, escapes and the option vocabulary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountOptionToFstab, parseFstab, parseFstabLine } from '../../src/runtime/fstab.js';
import { parseMountOptions } from '../../src/runtime/mount-options.js';
import { MS } from '../../src/sys/mount.js';

const effective = (line: string): string => {
  const entry = parseFstabLine(line, 'test');
  return entry === null ? 'null' : `${entry.source} ${entry.target} ${entry.type} ${entry.options}`;
};

test('omitted fields are inferred as in the reference table', () => {
  assert.equal(effective('/src'), '/src /src none rbind,x-create=auto');
  assert.equal(effective('/src bind'), '/src /src none bind');
  assert.equal(effective('/src /dst'), '/src /dst none rbind,x-create=auto');
  assert.equal(effective('/src /dst bind'), '/src /dst none bind');
  assert.equal(effective('/src none bind'), '/src /src none bind');
  assert.equal(effective('tmpfs /dst'), 'tmpfs /dst tmpfs ');
  assert.equal(effective('none /dst devpts'), 'none /dst devpts ');
  assert.equal(effective(mountOptionToFstab('/a:/b:none:bind,ro')), '/a /b none bind,ro');
  assert.throws(() => parseFstabLine('tmpfs', 'test'), /Invalid fstab entry in test: tmpfs/);
});

test('comments and blank lines are skipped; octal escapes are decoded; the pass number falls back to the fifth field', () => {
  const entries = parseFstab('# comment\n\n  /a\\040b /c none bind 0 -1\n/d /e none bind -1\n/f /g none bind 3 0\n/h /i none bind\n', 'test');
  assert.deepEqual(
    entries.map((entry) => [entry.source, entry.pass]),
    [['/a b', -1], ['/d', -1], ['/f', 3], ['/h', 0]],
  );
});

test('options set and clear flags left to right; propagation, x- options and data are separated', () => {
  const options = parseMountOptions('ro,nosuid,rw,rbind,rslave,private,x-create=file,nofail,silent,loud,mode=755,defaults,size=1m');
  assert.equal(options.flags, MS.NOSUID | MS.BIND | MS.REC);
  assert.deepEqual(options.propagation, [MS.SLAVE | MS.REC, MS.PRIVATE]);
  assert.equal(options.create, 'file');
  assert.equal(options.nofail, true);
  assert.equal(options.quiet, false);
  assert.deepEqual(options.data, ['mode=755', 'size=1m']);
  const detach = parseMountOptions('x-detach,x-move,silent,create=dir');
  assert.equal(detach.detach && detach.move && detach.quiet, true);
  assert.deepEqual(detach.data, ['create=dir']);
});
