// The in-process simulation of the control plane (control-plane-sim.ts): the broker's own
// registration, metadata watch and controller, three brokers on the in-memory etcd, under
// seeded schedules of etcd cut-offs and kills. Each seed is checked at every step (one
// controller able to write, epochs never back, leaders in their ISR) and at the end
// (healed: one controller, every broker registered, every partition led). A negative
// control takes the fence out of the controllers' writes and must catch a deposed one
// writing.
//
// TIDELOG_CP_SIM_SEEDS=N runs N seeds (default 40, 400 with TIDELOG_SLOW=1);
// TIDELOG_CP_SIM_FIRST_SEED=F starts the run at seed F (default 1);
// TIDELOG_CP_SIM_SEED=S runs only seed S.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ControlPlaneSim, type ControlPlaneSimResult } from "./control-plane-sim.js";
import { seedFailure } from "./sim-report.js";

const TICKS = 400;
const ONE = process.env.TIDELOG_CP_SIM_SEED;
const COUNT = Number(process.env.TIDELOG_CP_SIM_SEEDS ?? (process.env.TIDELOG_SLOW === "1" ? 400 : 40));
const FIRST = Number(process.env.TIDELOG_CP_SIM_FIRST_SEED ?? 1);
const SEEDS = ONE !== undefined ? [Number(ONE)] : Array.from({ length: COUNT }, (_, i) => FIRST + i);

function failure(r: ControlPlaneSimResult): string {
  const replay = `TIDELOG_CP_SIM_SEED=${r.seed} node --import tsx --conditions=tidelog-source --test test/sim/control-plane-sim.test.ts`;
  return seedFailure(r, replay, 40);
}

test(`${SEEDS.length} seeded schedules of etcd cut-offs and kills against the real controller, registration and metadata watch`, async (t) => {
  const totals = { faults: 0, elections: 0, simulatedMs: 0 };
  const started = performance.now();
  for (const seed of SEEDS) {
    const r = await new ControlPlaneSim({ seed, ticks: TICKS }).run();
    assert.deepEqual(r.anomalies, [], failure(r));
    totals.faults += r.faults;
    totals.elections += r.elections;
    totals.simulatedMs += r.simulatedMs;
  }
  t.diagnostic(
    `${SEEDS.length} seeds, ${(totals.simulatedMs / 60_000).toFixed(1)} simulated minutes, ${totals.faults} faults, ` +
      `${totals.elections} controller elections, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  assert.ok(totals.elections > SEEDS.length, "controllers were replaced: the faults reached them");
});

test("negative control: without the fence on their writes, deposed controllers are caught writing", async (t) => {
  const caught: number[] = [];
  for (let seed = 1; seed <= 200 && caught.length === 0; seed++) {
    const r = await new ControlPlaneSim({ seed, ticks: TICKS, dropFence: true }).run();
    if (r.anomalies.some((a) => /wrote while epoch/.test(a))) caught.push(seed);
  }
  assert.ok(caught.length > 0, "no seed caught a deposed controller writing: the check cannot see it");
  t.diagnostic(`seed ${caught[0]}: a deposed controller wrote without its fence`);
});

test("seed 36: controllers deposed one after another campaign again, so the cluster keeps a controller", async () => {
  // Found by this simulation on its first day: the election keys of brokers 1, 3 and 2 were
  // deleted behind their backs in turn (their leases alive), and each, refused at its next
  // write, stepped down without campaigning again: no broker was a candidate any more and
  // the cluster had no controller for good. A controller refused by its fence, or whose
  // key the metadata shows gone, now campaigns anew.
  const r = await new ControlPlaneSim({ seed: 36, ticks: TICKS }).run();
  assert.deepEqual(r.anomalies, [], failure(r));
});

test("seed 1: a new controller does not step down while its metadata still lists the predecessor it replaced", async () => {
  // Found by this simulation once etcd calls took time (the controlled-shutdown test had
  // failed once that way): a controller is elected on its predecessor's key going, then
  // re-reads the metadata; an event of its old watch arriving meanwhile, on an image that
  // still listed the predecessor first, made it conclude it was not the oldest candidate
  // and step down for nothing. It now looks for its own key, not for being first.
  const r = await new ControlPlaneSim({ seed: 1, ticks: TICKS }).run();
  assert.deepEqual(r.anomalies, [], failure(r));
});

test("seed 2225: a write whose answer arrives after its controller resigned is judged at the revision it committed at", async () => {
  // Found exploring seeds 2001-2400: at the end of the run broker 1, the controller, was
  // stopped while a fenced write of its own was on its way back; the write committed
  // under its fence, then its resignation deleted the key, and the check, run when the
  // answer arrived, took the controller in force then for the one in force at the commit.
  // A checker that cries wolf hides a real deposed writer; it now reads the history.
  const r = await new ControlPlaneSim({ seed: 2225, ticks: TICKS }).run();
  assert.deepEqual(r.anomalies, [], failure(r));
});
