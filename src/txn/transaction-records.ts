/**
 * The records the transaction coordinator writes to __transaction_state, and reads back
 * when it takes over a partition. The topic is compacted: the latest record per
 * transactional id is its state; a null value (tombstone) removes an expired id.
 *
 *   key ["txn", transactionalId]
 *   value { v: 1, producerId, previousProducerId, producerEpoch, lastProducerEpoch,
 *           timeoutMs, state, partitions: [[topic, partition], ...], startMs, updateMs }
 *
 * JSON like the group records (readable with `tidelog consume __transaction_state`).
 * Everything read back is validated; a record that does not fit is skipped with a
 * warning by the loader, never trusted.
 */
import Type from "typebox";
import Value from "typebox/value";
import { type TransactionMetadata, TXN_STATES } from "./transaction-metadata.js";

export const TRANSACTION_TOPIC = "__transaction_state";

const TxnValueSchema = Type.Object({
  v: Type.Literal(1),
  producerId: Type.Integer({ minimum: 0 }),
  previousProducerId: Type.Integer({ minimum: -1 }),
  producerEpoch: Type.Integer({ minimum: 0 }),
  lastProducerEpoch: Type.Integer({ minimum: -1 }),
  timeoutMs: Type.Integer({ minimum: 1 }),
  state: Type.Union(TXN_STATES.map((s) => Type.Literal(s))),
  partitions: Type.Array(Type.Tuple([Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 })])),
  startMs: Type.Integer(),
  updateMs: Type.Integer(),
});

export function transactionKey(transactionalId: string): Buffer {
  return Buffer.from(JSON.stringify(["txn", transactionalId]));
}

export function transactionValue(m: TransactionMetadata): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: 1,
      producerId: m.producerId,
      previousProducerId: m.previousProducerId,
      producerEpoch: m.producerEpoch,
      lastProducerEpoch: m.lastProducerEpoch,
      timeoutMs: m.timeoutMs,
      state: m.state,
      partitions: m.partitions.map((tp) => [tp.topic, tp.partition]),
      startMs: m.startMs,
      updateMs: m.updateMs,
    }),
  );
}

/** The transactional id and state a stored record stands for (null: removed); throws with the reason when it is not one. */
export function parseTransactionRecord(
  key: Buffer | null,
  value: Buffer | null,
): { transactionalId: string; value: TransactionMetadata | null } {
  if (key === null) throw new Error("record without a key");
  const k: unknown = JSON.parse(key.toString("utf8"));
  if (!Array.isArray(k) || k.length !== 2 || k[0] !== "txn" || typeof k[1] !== "string") {
    throw new Error(`unknown key ${key.toString("utf8").slice(0, 200)}`);
  }
  const transactionalId = k[1];
  if (value === null) return { transactionalId, value: null };
  const v: unknown = JSON.parse(value.toString("utf8"));
  if (!Value.Check(TxnValueSchema, v)) {
    const first = [...Value.Errors(TxnValueSchema, v)][0];
    throw new Error(`bad value for ${transactionalId}: ${first?.message ?? "invalid"} at ${first?.instancePath ?? ""}`);
  }
  return {
    transactionalId,
    value: {
      transactionalId,
      producerId: v.producerId,
      previousProducerId: v.previousProducerId,
      producerEpoch: v.producerEpoch,
      lastProducerEpoch: v.lastProducerEpoch,
      timeoutMs: v.timeoutMs,
      state: v.state,
      partitions: v.partitions.map(([topic, partition]) => ({ topic, partition })),
      startMs: v.startMs,
      updateMs: v.updateMs,
    },
  };
}
