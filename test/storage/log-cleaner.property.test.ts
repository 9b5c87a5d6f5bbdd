// Model-based property test of log compaction: random sequences of keyed appends (with
// tombstones), rolls, high-watermark moves, clock moves, follower truncations, cleaner
// passes and reopens
// (clean and unclean, with and without the cleaner's checkpoint), checked after every
// step against a plain list of the records that should be in the log.
//
// The model: appends add records; a pass that returns `endOffset` E keeps, of the
// records below E, each key's last one, except a tombstone whose delete horizon has
// passed; a tombstone's horizon is set by the first pass that keeps it, to that pass's
// time + delete.retention.ms. Records at or past E are untouched. So after any sequence,
// reading the log must give exactly the model's records at their original offsets, in
// strictly increasing order, with every tombstone kept until its horizon.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { ManualClock } from "../../src/common/clock.js";
import { compactConfig, type KV, keyedBatch, openCompactedLog, readRecords } from "./compaction-fixtures.js";
import { tempDir } from "./fixtures.js";

interface ModelRecord {
  offset: number;
  key: string;
  value: string | null;
  /** For a tombstone: the delete horizon its first cleaning set. */
  horizonMs?: number;
}

type Command =
  | { op: "append"; records: KV[] }
  | { op: "roll" }
  | { op: "hw"; at: number }
  | { op: "tick"; ms: number }
  | { op: "clean" }
  | { op: "truncate"; at: number }
  | { op: "reopen"; clean: boolean; keepCheckpoint: boolean };

const DELETE_RETENTION_MS = 500;
const fraction = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000);
const kvArb: fc.Arbitrary<KV> = fc.tuple(
  fc.constantFrom("a", "b", "c", "d", "e", "f"),
  fc.option(fc.string({ minLength: 0, maxLength: 60 }), { freq: 4, nil: null }),
);

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant("append" as const),
      records: fc.array(kvArb, { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("roll" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("hw" as const), at: fraction }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 700 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("clean" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("truncate" as const), at: fraction }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("reopen" as const), clean: fc.boolean(), keepCheckpoint: fc.boolean() }),
  },
);

/** What a pass up to `endOffset` at `nowMs` does to the model. */
function cleanModel(records: ModelRecord[], endOffset: number, nowMs: number): ModelRecord[] {
  const lastByKey = new Map<string, number>();
  for (const r of records) if (r.offset < endOffset) lastByKey.set(r.key, r.offset);
  const out: ModelRecord[] = [];
  for (const r of records) {
    if (r.offset >= endOffset) {
      out.push(r);
      continue;
    }
    if (lastByKey.get(r.key) !== r.offset) continue;
    if (r.value === null) {
      if (r.horizonMs !== undefined && nowMs >= r.horizonMs) continue;
      out.push({ ...r, horizonMs: r.horizonMs ?? nowMs + DELETE_RETENTION_MS });
      continue;
    }
    out.push(r);
  }
  return out;
}

test("compaction keeps exactly the latest record per key, at its offset, under any command sequence", async (t) => {
  const root = tempDir(t);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(commandArb, { minLength: 10, maxLength: 70, size: "max" }), async (commands) => {
      const clock = new ManualClock(1_000_000);
      const config = compactConfig({ segmentBytes: 1024, deleteRetentionMs: DELETE_RETENTION_MS });
      const c = openCompactedLog(join(root, `run-${run++}`), config, clock);
      let model: ModelRecord[] = [];
      /** Base offsets of the appended batches: where a follower's truncation may cut. */
      let batchStarts: number[] = [];
      let cleanedTo = 0;
      for (const cmd of commands) {
        const log = c.log;
        switch (cmd.op) {
          case "append": {
            const info = log.appendAsLeader(keyedBatch(cmd.records, clock.nowMs()), 0);
            batchStarts.push(info.firstOffset);
            cmd.records.forEach(([key, value], i) => {
              model.push({ offset: info.firstOffset + i, key, value });
            });
            break;
          }
          case "roll":
            log.roll();
            break;
          case "hw": {
            const hw = log.highWatermark + Math.floor(cmd.at * (log.logEndOffset - log.highWatermark));
            log.updateHighWatermark(hw);
            break;
          }
          case "tick":
            clock.advance(cmd.ms);
            break;
          case "clean": {
            const firstDirty = log.firstDirtyOffset;
            const result = await c.clean();
            if (!result) break;
            assert.ok(result.endOffset >= firstDirty, "a pass never moves the dirty point back");
            assert.ok(result.endOffset <= log.highWatermark, "a pass never cleans at or past the high watermark");
            assert.ok(result.endOffset <= log.segmentBaseOffsets.at(-1)!, "a pass never cleans the active segment");
            model = cleanModel(model, result.endOffset, clock.nowMs());
            cleanedTo = result.endOffset;
            break;
          }
          case "truncate": {
            // A follower's truncation, at or above the high watermark, at a batch start.
            const candidates = batchStarts.filter((o) => o >= log.highWatermark);
            const at = candidates[Math.floor(cmd.at * (candidates.length - 1e-9))];
            if (at === undefined) break;
            log.truncateTo(at);
            model = model.filter((r) => r.offset < at);
            batchStarts = batchStarts.filter((o) => o < at);
            break;
          }
          case "reopen":
            await c.reopen({ clean: cmd.clean, keepCleanerCheckpoint: cmd.keepCheckpoint });
            break;
        }
        const got = readRecords(c.log);
        assert.deepEqual(
          got,
          model.map((r) => ({ offset: r.offset, key: r.key, value: r.value })),
          `after ${cmd.op}`,
        );
        for (let i = 1; i < got.length; i++) assert.ok(got[i]!.offset > got[i - 1]!.offset);
      }
      // The cleaned range holds each key at most once.
      const cleanedKeys = model.filter((r) => r.offset < cleanedTo).map((r) => r.key);
      assert.equal(new Set(cleanedKeys).size, cleanedKeys.length);
      await c.log.close();
      c.files.closeAll();
    }),
    {
      numRuns: 100,
      ...(process.env.FC_SEED
        ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH, endOnFailure: true }
        : {}),
    },
  );
});
