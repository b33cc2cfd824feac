// Entry point of stage 2, run by `unshare` inside the new namespaces with the plan in its environment.
// It imports only what a start needs; everything else loads lazily. No top-level await and no
// import.meta anywhere in this graph, so it can be bundled into one CommonJS file (faster to load).
import { errorText, EnrootError } from '../errors.js';
import { log } from '../log/log.js';
import { SysError } from '../sys/libc.js';
import { PID_CHILD_MARKER, takePlan, type StartPlan } from './plan.js';
import { runStage2 } from './setup.js';

async function main(plan: StartPlan): Promise<void> {
  if (plan.unshare.pid && process.argv[2] !== PID_CHILD_MARKER) {
    (await import('./pid-namespace.js')).superviseContainer(plan, process.argv[1] as string);
  } else {
    await runStage2(plan);
  }
}

let plan: StartPlan | undefined;
function fail(err: unknown): never {
  const expected = err instanceof EnrootError || err instanceof SysError;
  log.error(expected ? err.message : `Unexpected failure: ${errorText(err)}`);
  if (!expected && plan?.debug === true && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  process.exit(1);
}

try {
  plan = takePlan();
  main(plan).catch(fail);
} catch (err) {
  fail(err);
}
