// Running hook scripts (spec 11.1): executable files only, stdout discarded, stderr shown;
// a failing hook aborts the start, naming the hook. Files marked as built-in run in-process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { EnrootError } from '../errors.js';
import { builtinHook, type BuiltinHookContext } from './builtin-hooks.js';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export async function runHooks(files: readonly string[], context: BuiltinHookContext): Promise<void> {
  for (const file of files) {
    if (!isExecutable(file)) continue;
    const builtin = await builtinHook(file);
    if (builtin !== null) {
      builtin(context);
      continue;
    }
    const result = spawnSync(file, [], { stdio: ['inherit', 'ignore', 'inherit'], env: context.env });
    if (result.error !== undefined) throw new EnrootError(`${file} could not be run: ${result.error.message} (does it start with a #! line?)`);
    const status = result.status ?? 128 + (result.signal === null ? 0 : os.constants.signals[result.signal]);
    if (status !== 0) throw new EnrootError(`${file} exited with return code ${status}`);
  }
}
