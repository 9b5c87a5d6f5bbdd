/**
 * The pipeline's records, JSON in both topics, keyed by customer:
 *
 *   orders  c07 -> {"id":1234,"customer":"c07","amount":42}
 *   totals  c07 -> {"order":1234,"customer":"c07","amount":42,"total":1873,"by":"p2#1"}
 *
 * `total` is the customer's running total after this order; `by` names the processor
 * and its incarnation (p2#1: processor 2, first restart), so a duplicate shows who wrote
 * each copy. An output goes to the totals partition with the number of its order's
 * partition (same key, same partition count: the same partition the key would pick).
 */

export interface Order {
  readonly id: number;
  readonly customer: string;
  readonly amount: number;
}

export interface Output {
  readonly order: number;
  readonly customer: string;
  readonly amount: number;
  readonly total: number;
  readonly by: string;
}

/** A record read back: where it is and what it says. */
export interface Located<T> {
  readonly partition: number;
  readonly offset: number;
  readonly value: T;
}

export function parseOrder(text: string): Order {
  const o = JSON.parse(text) as Order;
  if (!Number.isSafeInteger(o.id) || typeof o.customer !== "string" || !Number.isSafeInteger(o.amount)) {
    throw new Error(`not an order: ${text}`);
  }
  return o;
}

export function parseOutput(text: string): Output {
  const o = JSON.parse(text) as Output;
  if (!Number.isSafeInteger(o.order) || typeof o.customer !== "string" || !Number.isSafeInteger(o.total)) {
    throw new Error(`not a totals record: ${text}`);
  }
  return o;
}

/** A processor's state for one partition: each customer's running total, stored with the committed offset. */
export type PartitionTotals = Record<string, number>;

export function parseTotals(metadata: string): PartitionTotals {
  if (metadata === "") return {};
  return JSON.parse(metadata) as PartitionTotals;
}
