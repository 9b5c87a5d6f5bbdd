/**
 * The nemesis's contract with the runner: faults chosen from a set of kinds on a
 * schedule (random from a seed, or fixed), each recorded with its window so the
 * checker's timeline can shade it. Implemented by ./nemesis.ts.
 */
import type { FaultKind, FaultRecord, LocalClusterControl } from "../cluster/types.js";

export interface NemesisOptions {
  cluster: LocalClusterControl;
  /** Fault kinds to draw from; a kind the cluster cannot take is recorded as skipped, with why. */
  kinds: readonly FaultKind[];
  /** "random": kinds and targets drawn from `seed`; "fixed": kinds in order, round robin. */
  schedule: "random" | "fixed";
  seed: number;
  /** Time between the end of one fault and the start of the next, and a fault's length (ms). */
  intervalMs: number;
  faultMs: number;
  /** Topics whose partition leaders are the "leader" targets; transactional ids for "coordinator". */
  topics?: readonly string[];
  transactionalIds?: readonly string[];
  /** ms since the run's epoch (the same clock the history uses). */
  nowMs: () => number;
  /** Called when a fault starts and when it ends. */
  onFault?: (fault: FaultRecord) => void;
}

export interface RunningNemesis {
  /** Ends the fault in progress (heals, restarts, resumes), stops scheduling, and returns every fault done. */
  stop(): Promise<FaultRecord[]>;
}

export type StartNemesis = (options: NemesisOptions) => RunningNemesis;
