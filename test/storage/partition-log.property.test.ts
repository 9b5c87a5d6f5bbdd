// Model-based property test: random sequences of append, read, roll, truncate,
// retention, high-watermark moves, flush and close-and-reopen (clean and unclean),
// checked after every step against a plain in-memory list of batches. It proves the
// log's offsets, contents and bounds never drift from that simple model.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { batchOf, openLog, readAll, smallConfig, tempDir, valuesIn } from "./fixtures.js";

interface ModelBatch {
  baseOffset: number;
  values: string[];
}

interface Model {
  batches: ModelBatch[];
  start: number;
  end: number;
  hw: number;
}

type Command =
  | { op: "append"; values: string[] }
  | { op: "read"; at: number; maxBytes: number }
  | { op: "roll" }
  | { op: "truncate"; at: number }
  | { op: "hw"; at: number }
  | { op: "retention"; bytes: number }
  | { op: "flush" }
  | { op: "reopen"; clean: boolean };

// Uniform in [0, 1]: fast-check biases doubles towards special values, which would
// leave the high watermark near zero and never truncate below it.
const fraction = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000);

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("append" as const),
      values: fc.array(fc.string({ maxLength: 90 }), { minLength: 1, maxLength: 5 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("read" as const),
      at: fraction,
      maxBytes: fc.integer({ min: 0, max: 3000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("roll" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("truncate" as const), at: fraction }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("hw" as const), at: fraction }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("retention" as const), bytes: fc.integer({ min: 0, max: 6000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flush" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reopen" as const), clean: fc.boolean() }) },
);

const pick = (lo: number, hi: number, f: number) => lo + Math.floor(f * (hi - lo + 1 - 1e-9));

function lastOffsetOf(b: ModelBatch): number {
  return b.baseOffset + b.values.length - 1;
}

test("the partition log behaves like a list of batches under any command sequence", async (t) => {
  const root = tempDir(t);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(commandArb, { minLength: 10, maxLength: 80, size: "max" }), async (commands) => {
      const config = smallConfig({ segmentBytes: 1500, indexIntervalBytes: 100, retentionBytes: -1 });
      const opened = openLog(join(root, `run-${run++}`), config);
      let log = opened.log;
      const model: Model = { batches: [], start: 0, end: 0, hw: 0 };
      for (const cmd of commands) {
        switch (cmd.op) {
          case "append": {
            const info = log.appendAsLeader(batchOf(cmd.values), 0);
            assert.equal(info.firstOffset, model.end);
            model.batches.push({ baseOffset: model.end, values: cmd.values });
            model.end += cmd.values.length;
            break;
          }
          case "read": {
            const offset = pick(model.start, model.end, cmd.at);
            const got = log.read(offset, { maxBytes: cmd.maxBytes });
            const holding = model.batches.find((b) => lastOffsetOf(b) >= offset);
            if (!holding) {
              assert.equal(got.records.length, 0);
            } else {
              const records = valuesIn(got.records);
              assert.equal(records[0]?.offset, holding.baseOffset, "read starts at the batch holding the offset");
              assert.deepEqual(
                records.slice(0, holding.values.length).map((r) => r.value),
                holding.values,
              );
              assert.equal(got.nextOffset, (records[records.length - 1]?.offset ?? -2) + 1);
            }
            break;
          }
          case "roll":
            log.roll();
            break;
          case "truncate": {
            const offset = pick(0, model.end, cmd.at);
            log.truncateTo(offset);
            if (offset >= model.end) break;
            if (offset <= model.start) {
              model.batches = [];
              model.start = offset;
              model.end = offset;
            } else {
              model.batches = model.batches.filter((b) => lastOffsetOf(b) < offset);
              const last = model.batches[model.batches.length - 1];
              model.end = last ? lastOffsetOf(last) + 1 : model.start;
            }
            model.hw = Math.min(model.hw, model.end);
            break;
          }
          case "hw": {
            const hw = pick(model.hw, model.end, cmd.at);
            log.updateHighWatermark(hw);
            model.hw = hw;
            break;
          }
          case "retention": {
            log.updateConfig({ ...config, retentionBytes: cmd.bytes });
            log.deleteRetainedSegments();
            log.updateConfig(config);
            assert.ok(
              log.logStartOffset <= model.hw || log.logStartOffset === model.start,
              "retention stays below the HW",
            );
            assert.ok(
              log.logStartOffset === model.start ||
                log.logStartOffset === model.end ||
                model.batches.some((b) => b.baseOffset === log.logStartOffset),
              "retention deletes whole batches",
            );
            model.batches = model.batches.filter((b) => b.baseOffset >= log.logStartOffset);
            model.start = log.logStartOffset;
            break;
          }
          case "flush":
            await log.flush();
            assert.equal(log.recoveryPoint, model.end);
            break;
          case "reopen":
            if (cmd.clean) {
              await log.close();
              log = opened.reopen({ cleanShutdown: true });
            } else {
              log = opened.reopen({ recoveryPoint: log.recoveryPoint });
            }
            // The high watermark comes back from its checkpoint, which the manager keeps;
            // here the test plays that part.
            if (log.highWatermark < model.hw) log.updateHighWatermark(model.hw);
            break;
        }
        assert.deepEqual(
          [log.logStartOffset, log.logEndOffset, log.highWatermark],
          [model.start, model.end, model.hw],
          `after ${cmd.op}`,
        );
        assert.deepEqual(
          readAll(log).map((r) => r.value),
          model.batches.flatMap((b) => b.values),
          `contents after ${cmd.op}`,
        );
      }
      await log.close();
    }),
    { numRuns: 120 },
  );
});
