/**
 * What the zombie demo and its producer instances say to each other over IPC. The proof
 * does not rely on it beyond the zombie's own word on how its commit was refused (the
 * error it got); visibility is read back from the topic.
 */

export interface InstanceArgs {
  readonly bootstrap: string;
  readonly topic: string;
  readonly partitions: number;
  readonly transactionalId: string;
  /** 0, 1, 2...: instance n fences instance n-1. */
  readonly instance: number;
  readonly recordsPerTransaction: number;
}

/** A record of the demo's topic: which instance wrote it, in which of its two transactions. */
export interface PaymentRecord {
  readonly instance: number;
  /** "successor": committed right after fencing the previous instance; "zombie": left open, then frozen. */
  readonly kind: "successor" | "zombie";
  readonly i: number;
}

export type InstanceReport =
  | { type: "committed"; records: number }
  | { type: "sent"; records: number }
  | { type: "result"; committed: boolean; code: string; message: string; laterSend: string }
  | { type: "aborted" }
  | { type: "failed"; error: string };

export type InstanceCommand = { type: "commit" } | { type: "abort" };

export function isInstanceReport<T extends InstanceReport["type"]>(type: T) {
  return (m: InstanceReport): m is Extract<InstanceReport, { type: T }> => m.type === type;
}
