/**
 * The nemesis: one fault at a time, on a schedule, each recorded with its window.
 *
 *   wait intervalMs ─ fault starts ─ holds ─ fault ends ─ wait intervalMs ─ next fault ...
 *
 * "random" draws the kind and its target from the seeded PRNG (../random.ts), so a run
 * repeats from its seed; "fixed" takes the kinds in the order given, round robin, and each
 * kind's targets round robin too (a random target, where one is drawn, still comes from
 * the seed). Faults never overlap, so the cluster is whole again (as far as the fault goes)
 * before the next one starts.
 *
 * Every fault is a FaultRecord, passed to `onFault` when it starts and again when it ends
 * (copies: the nemesis keeps its own). A kind the cluster cannot take at all is recorded
 * once as skipped when the nemesis starts, with the reason, and never drawn; a fault that
 * finds no target this time (no leader known) is recorded as skipped and may come again.
 * A fault whose start or
 * end fails carries `error`; an end is tried END_ATTEMPTS times first, because leaving a
 * broker dead would turn every later fault into a different experiment.
 *
 * `stop()` cuts the current wait or hold short, ends the fault in progress, and resolves to
 * every record. Bounds: at most RECORDS_MAX faults per run (then the nemesis stops
 * scheduling), one fault in flight.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { BrokerTarget, FaultKind, FaultRecord } from "../cluster/types.js";
import { Random } from "../random.js";
import { type ActiveFault, FAULTS, type FaultContext } from "./faults.js";
import { usableTargets } from "./targets.js";
import type { NemesisOptions, RunningNemesis, StartNemesis } from "./types.js";

/** Faults per run: a million-operation run injects about a thousand. */
export const RECORDS_MAX = 100_000;
const END_ATTEMPTS = 3;
const END_RETRY_MS = 1_000;
/** Bounds on the schedule's times: a fault longer than this is a mistake in the flags. */
const TIME_MS_MAX = 3_600_000;

export const FAULT_KINDS: readonly FaultKind[] = Object.keys(FAULTS) as FaultKind[];

function validate(options: NemesisOptions): void {
  if (options.kinds.length === 0) throw new RangeError("the nemesis needs at least one fault kind");
  for (const kind of options.kinds) {
    if (!Object.hasOwn(FAULTS, kind)) {
      throw new RangeError(`unknown fault kind "${kind}" (known: ${FAULT_KINDS.join(", ")})`);
    }
  }
  if (options.schedule !== "random" && options.schedule !== "fixed") {
    throw new RangeError(`schedule is "random" or "fixed", not ${JSON.stringify(options.schedule)}`);
  }
  for (const [name, value] of [
    ["intervalMs", options.intervalMs],
    ["faultMs", options.faultMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0 || value > TIME_MS_MAX) {
      throw new RangeError(`${name} takes 0..${TIME_MS_MAX} ms, not ${value}`);
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Sleeps `ms`, or less when `signal` aborts; never throws. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await delay(ms, undefined, { signal }).catch(() => undefined);
}

export const startNemesis: StartNemesis = (options: NemesisOptions): RunningNemesis => {
  validate(options);
  const stopping = new AbortController();
  const random = Random.seeded(options.seed);
  const ctx: FaultContext = {
    cluster: options.cluster,
    random,
    topics: options.topics ?? [],
    transactionalIds: options.transactionalIds ?? [],
    faultMs: options.faultMs,
  };
  const records: FaultRecord[] = [];
  const tell = (record: FaultRecord) => {
    try {
      options.onFault?.({ ...record });
    } catch {
      // A listener's failure is its own; the schedule goes on.
    }
  };
  const record = (fields: FaultRecord): FaultRecord => {
    records.push(fields);
    tell(fields);
    return fields;
  };

  // What the cluster cannot take is recorded now, once, whether or not a draw would reach it.
  const start = options.nowMs();
  const kinds = [...new Set(options.kinds)].filter((kind) => {
    const why =
      options.cluster.unavailableFaults.get(kind) ??
      (options.cluster.faults.has(kind) ? undefined : "this cluster cannot take it");
    if (why !== undefined) record({ kind, target: "none", startMs: start, endMs: start, skipped: why });
    return why === undefined;
  });
  /** Per kind, the round-robin cursor over its targets (fixed schedule). */
  const cursors = new Map<FaultKind, number>();
  let turn = 0;

  const nextKind = (): FaultKind =>
    options.schedule === "random" ? random.pick(kinds) : (kinds[turn++ % kinds.length] as FaultKind);

  const nextTarget = (kind: FaultKind): BrokerTarget | null => {
    const targets = usableTargets(FAULTS[kind].targets, ctx);
    if (targets.length === 0) return null;
    if (options.schedule === "random") return random.pick(targets);
    const cursor = cursors.get(kind) ?? 0;
    cursors.set(kind, cursor + 1);
    return targets[cursor % targets.length] as BrokerTarget;
  };

  /** Ends a fault, retrying; the record gets the outcome. */
  const end = async (fault: ActiveFault, open: FaultRecord) => {
    const failures: string[] = [];
    for (let attempt = 1; attempt <= END_ATTEMPTS; attempt++) {
      try {
        const said = await fault.end();
        if (said) open.detail = `${open.detail}; ${said}`;
        break;
      } catch (error) {
        failures.push(message(error));
        if (attempt < END_ATTEMPTS) await delay(END_RETRY_MS);
      }
    }
    if (failures.length === END_ATTEMPTS)
      open.error = `ending it failed ${END_ATTEMPTS} times: ${failures.join(" | ")}`;
    else if (failures.length > 0) open.detail = `${open.detail}; ended after ${failures.length + 1} attempts`;
    open.endMs = options.nowMs();
    tell(open);
  };

  const runOne = async (kind: FaultKind) => {
    const now = options.nowMs();
    let fault: ActiveFault;
    try {
      const begun = await FAULTS[kind].begin(ctx, nextTarget(kind));
      if ("skipped" in begun) {
        const at = options.nowMs();
        record({ kind, target: "none", startMs: now, endMs: at, skipped: begun.skipped });
        return;
      }
      fault = begun;
    } catch (error) {
      record({
        kind,
        target: "unknown",
        startMs: now,
        endMs: options.nowMs(),
        error: `starting it failed: ${message(error)}`,
      });
      return;
    }
    const open = record({ kind, target: fault.target, startMs: now, endMs: null, detail: fault.detail });
    await sleep(fault.holdMs, stopping.signal);
    await end(fault, open);
  };

  const loop = (async () => {
    while (!stopping.signal.aborted && kinds.length > 0 && records.length < RECORDS_MAX) {
      await sleep(options.intervalMs, stopping.signal);
      if (stopping.signal.aborted) break;
      await runOne(nextKind());
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await loop;
      return records.map((r) => ({ ...r }));
    },
  };
};
