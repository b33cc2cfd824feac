// Running hook scripts (spec 11.1): executable files only, stdout discarded, stderr shown;
// a failing hook aborts the start, naming the hook. Files marked as built-in run in-process.
import { childProcess } from '../lazy-builtins.js';
import fs from 'node:fs';
import os from 'node:os';
import { EnrootError, failureMessage } from '../errors.js';
import { SysError } from '../sys/libc.js';
import { builtinHook, type BuiltinHook, type BuiltinHookContext } from './builtin-hooks.js';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * A built-in's own errors name the thing and the fix; an operating-system failure is reported as its
 * hook's, as a failing script is; anything else is a bug and keeps its stack.
 */
async function runBuiltin(file: string, hook: BuiltinHook, context: BuiltinHookContext): Promise<void> {
  try {
    await hook(context);
  } catch (err) {
    if (err instanceof SysError) throw new EnrootError(`${file} failed: ${err.message}`, { cause: err });
    if (err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string') throw new EnrootError(`${file} failed: ${failureMessage(err)}`, { cause: err });
    throw err;
  }
}

export async function runHooks(files: readonly string[], context: BuiltinHookContext): Promise<void> {
  for (const file of files) {
    if (!isExecutable(file)) continue;
    const builtin = await builtinHook(file);
    if (builtin !== null) {
      await runBuiltin(file, builtin, context);
      continue;
    }
    const result = childProcess().spawnSync(file, [], { stdio: ['inherit', 'ignore', 'inherit'], env: context.env });
    if (result.error !== undefined) throw new EnrootError(`${file} could not be run: ${result.error.message} (does it start with a #! line?)`);
    const status = result.status ?? 128 + (result.signal === null ? 0 : os.constants.signals[result.signal]);
    if (status !== 0) throw new EnrootError(`${file} exited with return code ${status}`);
  }
}
