/**
 * The idempotence demo's checker, a pure function of the log read back and what the
 * writer knows (acknowledged at which offset, failed, how many sent per partition):
 *   - no record twice (a retried batch written again would show here);
 *   - per partition, sequence numbers increase along the offsets (order kept);
 *   - every acknowledged record is there, at the offset it was acknowledged with;
 *   - every record read was sent, to the partition it is in.
 * A record whose send failed may be missing (it was never acknowledged), never twice.
 */
import { type Check, examples, n } from "../proof.js";
import type { Numbered } from "./sequencer.js";

export interface ReadNumbered {
  readonly partition: number;
  readonly offset: number;
  readonly value: Numbered;
}

export interface SequencerView {
  readonly acked: ReadonlyMap<string, number>;
  readonly failed: ReadonlySet<string>;
  readonly nextSeq: readonly number[];
}

export function checkSequences(log: readonly ReadNumbered[], writer: SequencerView): { checks: Check[] } {
  const at = new Map<string, ReadNumbered[]>();
  const twice: string[] = [];
  const outOfOrder: string[] = [];
  const stray: string[] = [];
  const lastSeq = new Map<number, ReadNumbered>();
  for (const r of log) {
    const key = `${r.value.p}/${r.value.seq}`;
    const copies = [...(at.get(key) ?? []), r];
    at.set(key, copies);
    if (copies.length === 2)
      twice.push(`p${r.value.p} seq ${r.value.seq} at offsets ${copies.map((c) => c.offset).join(", ")}`);
    if (r.value.p !== r.partition || r.value.seq >= (writer.nextSeq[r.value.p] ?? 0)) {
      stray.push(`partition ${r.partition} offset ${r.offset}: ${JSON.stringify(r.value)}, never sent there`);
    }
    const previous = lastSeq.get(r.partition);
    if (previous !== undefined && r.value.seq <= previous.value.seq) {
      outOfOrder.push(
        `partition ${r.partition}: seq ${r.value.seq} at offset ${r.offset} after seq ${previous.value.seq} at offset ${previous.offset}`,
      );
    }
    lastSeq.set(r.partition, r);
  }
  const lost: string[] = [];
  const moved: string[] = [];
  for (const [key, offset] of writer.acked) {
    const copies = at.get(key);
    if (copies === undefined)
      lost.push(`p${key.replace("/", " seq ")} acknowledged at offset ${offset}, not in the log`);
    else if (!copies.some((c) => c.offset === offset)) {
      moved.push(
        `p${key.replace("/", " seq ")} acknowledged at offset ${offset}, stored at ${copies.map((c) => c.offset).join(", ")}`,
      );
    }
  }
  return {
    checks: [
      {
        name: "no record twice",
        expected: "0 duplicates",
        observed: `${n(twice.length)} duplicates`,
        ok: twice.length === 0,
        ...examples(twice),
      },
      {
        name: "per-partition order kept",
        expected: "0 out of order",
        observed: `${n(outOfOrder.length)} out of order`,
        ok: outOfOrder.length === 0,
        ...examples(outOfOrder),
      },
      {
        name: "nothing acknowledged lost",
        expected: `${n(writer.acked.size)} present`,
        observed: `${n(writer.acked.size - lost.length)} present`,
        ok: lost.length === 0,
        ...examples(lost),
      },
      {
        name: "acknowledged offset = stored offset",
        expected: "0 moved",
        observed: `${n(moved.length)} moved`,
        ok: moved.length === 0,
        ...examples(moved),
      },
      {
        name: "every record read was sent, to its partition",
        expected: "0 stray",
        observed: `${n(stray.length)} stray`,
        ok: stray.length === 0,
        ...examples(stray),
      },
    ],
  };
}
