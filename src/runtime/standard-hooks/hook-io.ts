// What the standard hooks read and write the way their scripts did: switches in the hook environment
// (on when non-empty, as `[ -n "${NAME-}" ]`), and lines appended to ENROOT_MOUNTS and ENROOT_ENVIRON.
import fs from 'node:fs';
import type { BuiltinHookContext } from '../builtin-hooks.js';

export function isSet(context: BuiltinHookContext, name: string): boolean {
  return (context.env[name] ?? '') !== '';
}

/** fstab lines performed after every hook has run (pass 0). */
export function appendMounts(context: BuiltinHookContext, lines: readonly string[]): void {
  fs.appendFileSync(context.mountsFile, lines.map((line) => `${line}\n`).join(''));
}

export function appendEnvironment(context: BuiltinHookContext, lines: readonly string[]): void {
  fs.appendFileSync(context.environFile, lines.map((line) => `${line}\n`).join(''));
}
