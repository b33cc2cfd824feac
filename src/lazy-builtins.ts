// Node built-in modules that only some runs need, loaded on first use instead of at start-up. An import of
// node:child_process loads net, dgram and the stream modules behind it: about 15 ms of every `enroot start`
// (the CLI, then stage 2 again), even when no hook script or command substitution runs.
import { createRequire } from 'node:module';

const requireBuiltin = createRequire(import.meta.url);

export const childProcess = (): typeof import('node:child_process') => requireBuiltin('node:child_process');
