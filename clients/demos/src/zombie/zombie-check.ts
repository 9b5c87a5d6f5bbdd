/**
 * The zombie demo's checker, a pure function of each round's refusal (as the zombie got
 * it) and the topic read back both ways:
 *   - each thawed zombie's commit was refused with PRODUCER_FENCED or
 *     INVALID_PRODUCER_EPOCH, and so was its next send;
 *   - read_committed: no zombie record (every instance's open transaction was aborted
 *     when the next one fenced it, or by the last one itself), and every successor
 *     record, once;
 *   - read_uncommitted: the zombie records are in the log (written and acknowledged:
 *     what read_committed hides is really there).
 */
import { type Check, examples, n } from "../proof.js";
import type { PaymentRecord } from "./zombie-protocol.js";

export interface ZombieRound {
  readonly zombie: number;
  readonly commit: { committed: boolean; code: string; message: string; laterSend: string };
}

export interface ReadPayment {
  readonly where: string;
  readonly record: PaymentRecord;
}

const FENCED = ["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"];

export function checkZombies(
  rounds: readonly ZombieRound[],
  committed: readonly ReadPayment[],
  uncommitted: readonly ReadPayment[],
  perTransaction: number,
): { checks: Check[]; facts: [string, string][] } {
  const notFenced = rounds
    .filter((r) => r.commit.committed || !FENCED.includes(r.commit.code))
    .map(
      (r) =>
        `instance ${r.zombie}: ${r.commit.committed ? "its commit was accepted" : `${r.commit.code}: ${r.commit.message}`}`,
    );
  const laterAccepted = rounds
    .filter((r) => !r.commit.laterSend.startsWith("refused"))
    .map((r) => `instance ${r.zombie}: a send after the refused commit was ${r.commit.laterSend}`);
  const zombieVisible = committed
    .filter((p) => p.record.kind === "zombie")
    .map((p) => `${p.where} ${JSON.stringify(p.record)}`);
  const successors = rounds.map((r) => r.zombie + 1);
  const seen = new Map<string, string[]>();
  for (const p of committed) {
    if (p.record.kind !== "successor") continue;
    const key = `${p.record.instance}/${p.record.i}`;
    seen.set(key, [...(seen.get(key) ?? []), p.where]);
  }
  const successorProblems: string[] = [];
  for (const instance of successors) {
    for (let i = 0; i < perTransaction; i++) {
      const at = seen.get(`${instance}/${i}`) ?? [];
      if (at.length !== 1)
        successorProblems.push(`instance ${instance} record ${i}: read ${at.length} times ${at.join(", ")}`);
    }
  }
  const zombiesWritten = new Set(uncommitted.filter((p) => p.record.kind === "zombie").map((p) => p.record.instance));
  const unwritten = [...rounds.map((r) => r.zombie), rounds.length]
    .filter((i) => !zombiesWritten.has(i))
    .map((i) => `instance ${i}: no zombie record in the log`);
  const codes = [...new Set(rounds.map((r) => r.commit.code || "(accepted)"))].join(", ");
  const checks: Check[] = [
    {
      name: "each thawed zombie's commit refused as fenced",
      expected: `${rounds.length}/${rounds.length} PRODUCER_FENCED or INVALID_PRODUCER_EPOCH`,
      observed: `${rounds.length - notFenced.length}/${rounds.length} (${codes})`,
      ok: notFenced.length === 0 && rounds.length > 0,
      ...examples(notFenced),
    },
    {
      name: "a fenced zombie cannot send again",
      expected: "0 accepted",
      observed: `${laterAccepted.length} accepted`,
      ok: laterAccepted.length === 0,
      ...examples(laterAccepted),
    },
    {
      name: "no zombie record visible to read_committed",
      expected: "0 visible",
      observed: `${n(zombieVisible.length)} visible`,
      ok: zombieVisible.length === 0,
      ...examples(zombieVisible),
    },
    {
      name: "every successor record visible, once",
      expected: `${n(successors.length * perTransaction)} records`,
      observed: `${n(successors.length * perTransaction - successorProblems.length)} records`,
      ok: successorProblems.length === 0,
      ...examples(successorProblems),
    },
    {
      name: "the zombies' records are in the log (read_uncommitted)",
      expected: `${rounds.length + 1}/${rounds.length + 1} instances`,
      observed: `${rounds.length + 1 - unwritten.length}/${rounds.length + 1} instances`,
      ok: unwritten.length === 0,
      ...examples(unwritten),
    },
  ];
  const facts: [string, string][] = [
    ["rounds (freeze, fence, thaw)", n(rounds.length)],
    ["instances (processes) with one transactional id", n(rounds.length + 1)],
    ["records read_committed / read_uncommitted", `${n(committed.length)} / ${n(uncommitted.length)}`],
  ];
  return { checks, facts };
}
