/**
 * The pipeline's checker: from `orders` and `totals` as read back (read_committed), did
 * every order produce its output exactly once? A pure function of the two topics'
 * contents, so a test can feed it a doctored history and see the violation caught.
 *
 * Properties, each with the records that break it:
 *   - none missing: every order has an output;
 *   - none twice: no order has two (exactly-once); for at-least-once the opposite is
 *     the point: duplicates must be seen, or the checker could not tell the difference;
 *   - no stray output (an output whose order is not in `orders`);
 *   - per customer, the outputs' count and checksum equal the orders' (sum of amounts,
 *     and a sum of hashed order ids, so a swap of one order for another shows);
 *   - every output's running total is the customer's total of orders up to and
 *     including it, in the order `orders` holds them; and each customer's last output
 *     carries the total computed directly from `orders`.
 */
import { type Check, examples, n } from "../proof.js";
import type { Delivery } from "./processor-protocol.js";
import type { Located, Order, Output } from "./records.js";

export interface PipelineHistory {
  /** `orders`, in offset order per partition. */
  readonly orders: readonly Located<Order>[];
  /** `totals` read_committed, in offset order per partition. */
  readonly outputs: readonly Located<Output>[];
}

export interface PipelineFindings {
  readonly checks: Check[];
  readonly facts: [string, string][];
  readonly duplicatedOrders: number;
}

interface Digest {
  count: number;
  amount: number;
  ids: number;
}

const emptyDigest = (): Digest => ({ count: 0, amount: 0, ids: 0 });

/** Knuth's multiplicative hash of an order id, so the id sum is not fooled by 3+5 = 4+4. */
function idHash(id: number): number {
  return Math.imul(id, 2654435761) >>> 0;
}

function add(d: Digest, id: number, amount: number): void {
  d.count++;
  d.amount += amount;
  d.ids = (d.ids + idHash(id)) % 2 ** 32;
}

function where(r: Located<unknown>, topic: string): string {
  return `${topic}-${r.partition}@${r.offset}`;
}

export function checkPipeline(history: PipelineHistory, delivery: Delivery): PipelineFindings {
  const { orders, outputs } = history;
  const orderById = new Map<number, Located<Order>>();
  const inputTwice: string[] = [];
  const expectedTotal = new Map<number, number>();
  const running = new Map<string, number>();
  const ordersBy = new Map<string, Digest>();
  for (const o of orders) {
    if (orderById.has(o.value.id)) {
      inputTwice.push(
        `order ${o.value.id} at ${where(orderById.get(o.value.id)!, "orders")} and ${where(o, "orders")}`,
      );
      continue;
    }
    orderById.set(o.value.id, o);
    const total = (running.get(o.value.customer) ?? 0) + o.value.amount;
    running.set(o.value.customer, total);
    expectedTotal.set(o.value.id, total);
    const d = ordersBy.get(o.value.customer) ?? emptyDigest();
    add(d, o.value.id, o.value.amount);
    ordersBy.set(o.value.customer, d);
  }

  const outputsOf = new Map<number, Located<Output>[]>();
  const outputsBy = new Map<string, Digest>();
  const lastOutput = new Map<string, Located<Output>>();
  const stray: string[] = [];
  const wrongTotal: string[] = [];
  for (const out of outputs) {
    const o = out.value;
    const order = orderById.get(o.order);
    if (order === undefined || order.value.customer !== o.customer || order.value.amount !== o.amount) {
      stray.push(`${where(out, "totals")} ${JSON.stringify(o)}: no such order in orders`);
      continue;
    }
    outputsOf.set(o.order, [...(outputsOf.get(o.order) ?? []), out]);
    const d = outputsBy.get(o.customer) ?? emptyDigest();
    add(d, o.order, o.amount);
    outputsBy.set(o.customer, d);
    lastOutput.set(o.customer, out); // a customer's outputs are in one partition, read in offset order
    const expected = expectedTotal.get(o.order)!;
    if (o.total !== expected) {
      wrongTotal.push(
        `${where(out, "totals")} order ${o.order} (${o.customer}) total ${o.total}, expected ${expected} (by ${o.by})`,
      );
    }
  }

  const missing: string[] = [];
  const twice: string[] = [];
  for (const [id, order] of orderById) {
    const outs = outputsOf.get(id) ?? [];
    if (outs.length === 0) {
      missing.push(
        `order ${id} (${order.value.customer}, amount ${order.value.amount}) at ${where(order, "orders")}: no output`,
      );
    } else if (outs.length > 1) {
      const copies = outs.map((c) => `${where(c, "totals")} by ${c.value.by}`).join(", ");
      twice.push(
        `order ${id} (${order.value.customer}, amount ${order.value.amount}) output ${outs.length} times: ${copies}`,
      );
    }
  }

  const customers = [...ordersBy.keys()].sort();
  const digestDiffers: string[] = [];
  const finalDiffers: string[] = [];
  for (const c of customers) {
    const want = ordersBy.get(c)!;
    const got = outputsBy.get(c) ?? emptyDigest();
    if (want.count !== got.count || want.amount !== got.amount || want.ids !== got.ids) {
      digestDiffers.push(
        `${c}: orders ${want.count} (sum ${want.amount}, ids ${want.ids.toString(16)}), ` +
          `outputs ${got.count} (sum ${got.amount}, ids ${got.ids.toString(16)})`,
      );
    }
    const last = lastOutput.get(c);
    const direct = running.get(c) ?? 0;
    if (last?.value.total !== direct) {
      finalDiffers.push(
        `${c}: total from orders ${direct}, last output ${last ? `${last.value.total} at ${where(last, "totals")}` : "none"}`,
      );
    }
  }

  const exactlyOnce = delivery === "exactly-once";
  const checks: Check[] = [
    {
      name: "orders written once each (idempotent input)",
      expected: "0 twice",
      observed: `${n(inputTwice.length)} twice`,
      ok: inputTwice.length === 0,
      ...examples(inputTwice),
    },
    {
      name: "every order has an output (none missing)",
      expected: "0 missing",
      observed: `${n(missing.length)} missing of ${n(orderById.size)}`,
      ok: missing.length === 0,
      ...examples(missing),
    },
    exactlyOnce
      ? {
          name: "no order has two outputs (none twice)",
          expected: "0 twice",
          observed: `${n(twice.length)} twice`,
          ok: twice.length === 0,
          ...examples(twice),
        }
      : {
          name: "duplicates seen (what exactly-once prevents)",
          expected: "> 0 orders output twice",
          observed: `${n(twice.length)} orders output twice or more`,
          ok: twice.length > 0,
          ...examples(twice),
        },
    {
      name: "no output without its order",
      expected: "0 stray",
      observed: `${n(stray.length)} stray`,
      ok: stray.length === 0,
      ...examples(stray),
    },
  ];
  if (exactlyOnce) {
    checks.push({
      name: "per customer: outputs' count and checksum equal the orders'",
      expected: `${customers.length}/${customers.length} customers`,
      observed: `${customers.length - digestDiffers.length}/${customers.length} customers`,
      ok: digestDiffers.length === 0,
      ...examples(digestDiffers),
    });
  }
  checks.push(
    {
      name: "each output's running total is its customer's sum so far",
      expected: "0 wrong",
      observed: `${n(wrongTotal.length)} wrong`,
      ok: wrongTotal.length === 0,
      ...examples(wrongTotal),
    },
    {
      name: "final totals equal the totals computed from orders",
      expected: `${customers.length}/${customers.length} customers`,
      observed: `${customers.length - finalDiffers.length}/${customers.length} customers`,
      ok: finalDiffers.length === 0,
      ...examples(finalDiffers),
    },
  );
  const facts: [string, string][] = [
    ["orders in `orders`", `${n(orderById.size)} (${customers.length} customers)`],
    ["outputs in `totals` (read_committed)", n(outputs.length)],
  ];
  if (!exactlyOnce) {
    facts.push([
      "customers whose outputs' count/checksum differ",
      `${digestDiffers.length} of ${customers.length} (a sum over \`totals\` would overcount them)`,
    ]);
  }
  return { checks, facts, duplicatedOrders: twice.length };
}
