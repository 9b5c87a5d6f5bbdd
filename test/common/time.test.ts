// Time is a seam (src/common/clock.ts): the broker decides and schedules everything on an
// injected Clock, so tests and a simulation can drive it. Pinned here: no module of src/
// reads the wall clock or the timer globals except where a line says why ("// wall clock":
// another system's time, such as a gRPC deadline); ManualClock fires timers in order as
// it advances; PeriodicTask never overlaps runs, coalesces runNow, survives errors and
// stops.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { ManualClock, sleep } from "../../src/common/clock.js";
import { PeriodicTask } from "../../src/common/periodic-task.js";

const WALL_CLOCK = /\bDate\.now\(\)|\bsetTimeout\(|\bsetInterval\(/;

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith(".ts")) out.push(path);
  }
  return out;
}

test("src/ takes time only from the Clock seam, except lines marked // wall clock", () => {
  const root = projectRoot();
  const offenders: string[] = [];
  for (const file of sources(join(root, "src"))) {
    const rel = relative(root, file);
    if (rel === join("src", "common", "clock.ts")) continue;
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (WALL_CLOCK.test(line) && !line.includes("// wall clock") && !line.trimStart().startsWith("*")) {
          offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        }
      });
  }
  assert.deepEqual(offenders, [], `use the injected Clock (after, sleep, nowMs):\n${offenders.join("\n")}`);
});

test("ManualClock fires due timers in order, each at its own time, including timers they schedule", () => {
  const clock = new ManualClock(1000);
  const fired: string[] = [];
  clock.after(30, () => fired.push(`b@${clock.nowMs()}`));
  clock.after(10, () => {
    fired.push(`a@${clock.nowMs()}`);
    clock.after(5, () => fired.push(`a2@${clock.nowMs()}`));
  });
  const cancelled = clock.after(20, () => fired.push("never"));
  cancelled.cancel();
  clock.after(30, () => fired.push(`c@${clock.nowMs()}`)); // same due time as b: scheduling order
  clock.after(100, () => fired.push("later"));
  clock.advance(40);
  assert.deepEqual(fired, ["a@1010", "a2@1015", "b@1030", "c@1030"]);
  assert.equal(clock.nowMs(), 1040);
  assert.equal(clock.pendingTimers, 1);
  clock.advance(60);
  assert.deepEqual(fired.at(-1), "later");
});

test("sleep on a ManualClock resolves when the clock passes it", async () => {
  const clock = new ManualClock();
  let woke = false;
  const slept = sleep(clock, 50).then(() => {
    woke = true;
  });
  await clock.advanceAsync(49);
  assert.equal(woke, false);
  await clock.advanceAsync(1);
  await slept;
  assert.equal(woke, true);
});

test("PeriodicTask: runs every interval, never two at once, coalesces runNow, reports errors, stops", async () => {
  const clock = new ManualClock();
  const errors: unknown[] = [];
  let runs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let release: (() => void) | null = null;
  let fail = false;
  const task = new PeriodicTask({
    clock,
    intervalMs: 100,
    run: async () => {
      runs++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (fail) {
        inFlight--;
        throw new Error("boom");
      }
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      inFlight--;
    },
    onError: (e) => errors.push(e),
  });
  assert.throws(() => new PeriodicTask({ clock, intervalMs: 0, run: () => {}, onError: () => {} }), /interval > 0/);

  task.start();
  await clock.advanceAsync(99);
  assert.equal(runs, 0);
  await clock.advanceAsync(1);
  assert.equal(runs, 1, "the first run comes one interval after start");
  // While it runs: the clock moving on schedules nothing, and runNow asks for exactly one more.
  await clock.advanceAsync(500, 100);
  const more = [task.runNow(), task.runNow(), task.runNow()];
  assert.equal(runs, 1);
  (release as unknown as () => void)();
  await new Promise((r) => setImmediate(r));
  assert.equal(runs, 2, "one more run right after, however many runNow calls");
  (release as unknown as () => void)();
  await Promise.all(more);
  assert.equal(maxInFlight, 1);

  // The next one is an interval after the last ended; its error is reported, the schedule goes on.
  fail = true;
  await clock.advanceAsync(100);
  assert.equal(runs, 3);
  assert.equal(errors.length, 1);
  await clock.advanceAsync(100);
  assert.equal(runs, 4);

  await task.stop();
  await clock.advanceAsync(1000, 100);
  assert.equal(runs, 4, "nothing after stop");
  await task.runNow();
  assert.equal(runs, 4, "runNow after stop does nothing");
  assert.equal(clock.pendingTimers, 0);
});
