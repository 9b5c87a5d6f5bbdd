/**
 * What the demo and a processor process say to each other over IPC. Reports are counts
 * and states; the proof never relies on them (it reads the topics back).
 */

/** `exactly-once`: outputs and input offsets in one transaction. `at-least-once`: produce, then commit. */
export type Delivery = "exactly-once" | "at-least-once";

export interface ProcessorArgs {
  readonly bootstrap: string;
  readonly orders: string;
  readonly totals: string;
  readonly groupId: string;
  /** "p1": the static group member id, and the transactional id's suffix. */
  readonly instance: string;
  /** 0 for the first process of an instance, then 1, 2... for each restart. */
  readonly incarnation: number;
  readonly transactionalId: string;
  readonly delivery: Delivery;
  readonly sessionTimeoutMs: number;
}

export type ProcessorReport =
  | { type: "ready" }
  | { type: "assigned"; partitions: number[] }
  | { type: "revoked"; partitions: number[] }
  /** Cumulative counts after each committed batch. */
  | { type: "progress"; orders: number; outputs: number; batches: number }
  /** Armed: outputs written (and, exactly-once, offsets sent), not yet committed; now waiting to be killed. */
  | { type: "holding"; partition: number; outputs: number; firstOrder: number; lastOrder: number }
  | { type: "failed"; error: string };

export type ProcessorCommand = { type: "arm" };

export function isReport<T extends ProcessorReport["type"]>(type: T) {
  return (m: ProcessorReport): m is Extract<ProcessorReport, { type: T }> => m.type === type;
}
