// The entry point of the CommonJS bundle dist/bundle/runtime-cli.cjs, which bin/enroot loads for the
// commands whose start-up time users feel on every container start: one file with only their code loads
// in about half the time of the ES module bundle (Node's ES module loader and ~20 chunks cost ~40 ms).
import type { Command } from './command.js';
import { batchCommand } from './batch.js';
import { execCommand } from './exec.js';
import { runCommand } from './run-command.js';
import { startCommand } from './start.js';

/** The commands this entry runs; bin/enroot sends only these here. */
const RUNTIME_COMMANDS: Readonly<Record<string, Command>> = { start: startCommand, batch: batchCommand, exec: execCommand };

const [name, ...args] = process.argv.slice(2);
const command = name === undefined ? undefined : RUNTIME_COMMANDS[name];
if (command === undefined) {
  process.stderr.write(`[ERROR] ${process.argv[1] ?? 'runtime-cli'} runs only ${Object.keys(RUNTIME_COMMANDS).join(', ')}: use bin/enroot\n`);
  process.exitCode = 1;
} else {
  runCommand(command, args).then((status) => {
    process.exitCode = status;
  });
}
