// The schedule of the server's background jobs (pure: runs that end when the test says).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PeriodicJob } from './periodic-job.js';

/** A run that waits until released; counts the runs begun and ended. */
function slowRun() {
  const runs = { begun: 0, ended: 0 };
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const run = async () => {
    runs.begun++;
    await released;
    runs.ended++;
  };
  return { run, runs, release };
}

test('a run that outlasts the interval is not joined by another; stop() waits for it', async () => {
  const { run, runs, release } = slowRun();
  const errors: unknown[] = [];
  const job = new PeriodicJob(run, { intervalMs: 5, onError: (e) => errors.push(e) });
  job.start();
  await sleep(60); // a dozen ticks while the first run waits
  assert.deepEqual(runs, { begun: 1, ended: 0 });
  let stopped = false;
  const stopping = job.stop().then(() => (stopped = true));
  await sleep(20);
  assert.equal(stopped, false, 'stop() returned while a run was in progress');
  release();
  await stopping;
  assert.deepEqual(runs, { begun: 1, ended: 1 });
  await sleep(20);
  assert.equal(runs.begun, 1, 'no run after stop()');
  assert.deepEqual(errors, []);
});

test('a failed run is reported and the next tick runs again', async () => {
  let calls = 0;
  const errors: unknown[] = [];
  const job = new PeriodicJob(
    async () => {
      calls++;
      throw new Error(`down ${calls}`);
    },
    { intervalMs: 5, onError: (e) => errors.push(e) },
  );
  job.start();
  for (let i = 0; i < 200 && calls < 2; i++) await sleep(5);
  await job.stop();
  assert.ok(calls >= 2, 'the job ran again after a failure');
  assert.match(String(errors[0]), /down 1/);
});

test('a run that throws at once is reported like one that fails later', async () => {
  const errors: unknown[] = [];
  const job = new PeriodicJob(
    (() => {
      throw new Error('at once');
    }) as () => Promise<void>,
    { intervalMs: 5, onError: (e) => errors.push(e) },
  );
  job.start();
  for (let i = 0; i < 200 && errors.length < 1; i++) await sleep(5);
  await job.stop();
  assert.match(String(errors[0]), /at once/);
});

test('the first run comes after its own delay when that is sooner than the interval', async () => {
  let calls = 0;
  const job = new PeriodicJob(
    async () => {
      calls++;
    },
    { intervalMs: 60_000, onError: (error) => assert.fail(String(error)) },
  );
  job.start(5);
  for (let i = 0; i < 200 && calls < 1; i++) await sleep(5);
  await job.stop();
  assert.equal(calls, 1);
});

test('stop() with nothing running, or twice, returns at once; start() twice schedules once', async () => {
  let calls = 0;
  const job = new PeriodicJob(
    async () => {
      calls++;
    },
    { intervalMs: 5, onError: (error) => assert.fail(String(error)) },
  );
  await job.stop();
  job.start();
  job.start();
  for (let i = 0; i < 200 && calls < 1; i++) await sleep(5);
  await job.stop();
  await job.stop();
  const after = calls;
  await sleep(30);
  assert.equal(calls, after, 'no run after stop()');
});

test('stop() tells the run in progress to stop: a run of many steps ends at its next step', async () => {
  const STEPS = 10;
  let steps = 0;
  let begun = false;
  const job = new PeriodicJob(
    async (signal) => {
      begun = true;
      for (let i = 0; i < STEPS && !signal.aborted; i++) {
        await sleep(20);
        steps++;
      }
    },
    { intervalMs: 5, onError: (error) => assert.fail(String(error)) },
  );
  job.start();
  for (let i = 0; i < 200 && !begun; i++) await sleep(5);
  await job.stop();
  assert.ok(steps >= 1 && steps < STEPS, `steps done before the stop took effect: ${steps}`);
});

test('a job started again after stop() gives its runs a signal that is not aborted', async () => {
  const seen: boolean[] = [];
  const job = new PeriodicJob(
    async (signal) => {
      seen.push(signal.aborted);
    },
    { intervalMs: 5, onError: (error) => assert.fail(String(error)) },
  );
  job.start();
  for (let i = 0; i < 200 && seen.length < 1; i++) await sleep(5);
  await job.stop();
  const before = seen.length;
  job.start();
  for (let i = 0; i < 200 && seen.length <= before; i++) await sleep(5);
  await job.stop();
  assert.ok(seen.length > before);
  assert.deepEqual(
    seen,
    seen.map(() => false),
  );
});
