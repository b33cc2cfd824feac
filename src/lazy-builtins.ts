// Node built-in modules that only some runs need, loaded on first use instead of at start-up. Importing
// node:child_process, node:readline or node:tty loads net, dgram and the stream modules behind them: several
// ms of each of the two Node processes of `enroot start`, even when no hook script or --conf script runs.
import { createRequire } from 'node:module';

const requireBuiltin = createRequire(import.meta.url);

export const childProcess = (): typeof import('node:child_process') => requireBuiltin('node:child_process');
export const readline = (): typeof import('node:readline') => requireBuiltin('node:readline');
export const tty = (): typeof import('node:tty') => requireBuiltin('node:tty');
