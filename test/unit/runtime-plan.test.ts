// The plan handed from `enroot start` to stage 2: variables that slow Node's start-up travel inside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLAN_VARIABLE, stage2Environment, takePlan, type StartPlan } from '../../src/runtime/plan.js';

const plan = { rootfs: { kind: 'directory', path: '/data/c' }, command: ['true'] } as unknown as StartPlan;

test('NODE_EXTRA_CA_CERTS is left out of the environment stage 2 starts with, and put back by takePlan', () => {
  const environment = stage2Environment({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/extra.pem' }, plan);
  assert.equal(environment.NODE_EXTRA_CA_CERTS, undefined);
  assert.equal(environment.PATH, '/bin');
  const saved = { ...process.env };
  try {
    delete process.env.NODE_EXTRA_CA_CERTS;
    process.env[PLAN_VARIABLE] = environment[PLAN_VARIABLE];
    const taken = takePlan();
    assert.deepEqual(taken.command, ['true']);
    assert.equal(process.env.NODE_EXTRA_CA_CERTS, '/etc/extra.pem');
    assert.equal(process.env[PLAN_VARIABLE], undefined, 'the plan is taken out of the environment');
  } finally {
    process.env = saved;
  }
});

test('without deferred variables the environment passes unchanged, plus the plan', () => {
  const environment = stage2Environment({ PATH: '/bin', HOME: '/home/u' }, plan);
  assert.deepEqual(Object.keys(environment).sort(), ['HOME', 'PATH', PLAN_VARIABLE].sort());
  assert.deepEqual(JSON.parse(environment[PLAN_VARIABLE] as string).deferredEnvironment, {});
});
