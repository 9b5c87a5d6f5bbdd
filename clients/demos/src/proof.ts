/**
 * The end of every demo: a table of checks (what must hold, what was expected, what was
 * read back) and the facts of the run (inputs, outputs, faults), then the verdict. A
 * violated check lists the records that show it, so a failure can be looked up in the
 * topic with `tidelog consume` rather than taken on trust.
 *
 * Tables are cli-table3's, boxed on a terminal and plain columns in a pipe or a file
 * (the CLI's convention), so a CI log can be grepped.
 */

import { PLAIN_TABLE_CHARS } from "@tidelog/verify";
import Table from "cli-table3";
import { EXAMPLES_SHOWN } from "./limits.js";

/** One property the demo proves, from what it read back. */
export interface Check {
  readonly name: string;
  readonly expected: string;
  readonly observed: string;
  readonly ok: boolean;
  /** Records that show a violation (or, for a negative control, what it saw). */
  readonly examples?: readonly string[];
  /** How many records showed it, when more than the examples. */
  readonly exampleCount?: number;
}

export interface Proof {
  readonly title: string;
  /** What happened during the run: "orders produced" -> "4,012". */
  readonly facts: readonly (readonly [string, string])[];
  readonly checks: readonly Check[];
  /** The sentence printed when every check holds. */
  readonly claim: string;
  /** Printed under the verdict whatever it is (e.g. a negative control's duplicates). */
  readonly notes?: readonly string[];
}

export function proved(proof: Proof): boolean {
  return proof.checks.every((c) => c.ok);
}

/** Kafka-style numbers for people: 4012 -> "4,012". */
export function n(value: number): string {
  return value.toLocaleString("en-US");
}

/** "1 order", "2 orders". */
export function count(value: number, noun: string): string {
  return `${n(value)} ${noun}${value === 1 ? "" : "s"}`;
}

/** The first EXAMPLES_SHOWN of `items`, with the count of all. */
export function examples(items: readonly string[]): Pick<Check, "examples" | "exampleCount"> {
  return { examples: items.slice(0, EXAMPLES_SHOWN), exampleCount: items.length };
}

/** A boxed table without a line between every two rows. */
const NO_ROW_LINES = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };

/** Column widths of the boxed tables (a terminal); plain columns size themselves. */
const FACT_WIDTHS = [52, 64];
const CHECK_WIDTHS = [52, 26, 26, 10];

function table(head: string[], boxed: boolean, colWidths: number[]): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [], "padding-left": boxed ? 1 : 0, "padding-right": boxed ? 1 : 0 },
    ...(boxed ? { colWidths, wordWrap: true, chars: NO_ROW_LINES } : { chars: PLAIN_TABLE_CHARS }),
  });
}

/** The proof as text: facts, checks, examples of violations, the verdict. */
export function renderProof(proof: Proof, boxed: boolean): string {
  const lines: string[] = ["", proof.title, ""];
  const facts = table(["what happened", ""], boxed, FACT_WIDTHS);
  for (const [what, value] of proof.facts) facts.push([what, value]);
  lines.push(facts.toString(), "");
  const checks = table(["check", "expected", "observed", "result"], boxed, CHECK_WIDTHS);
  for (const c of proof.checks) checks.push([c.name, c.expected, c.observed, c.ok ? "ok" : "VIOLATED"]);
  lines.push(checks.toString(), "");
  for (const c of proof.checks) {
    if (!c.examples || c.examples.length === 0) continue;
    const total = c.exampleCount ?? c.examples.length;
    const label = c.ok ? "seen" : "VIOLATION";
    lines.push(`${label}: ${c.name}: ${total > c.examples.length ? `${c.examples.length} of ${n(total)}` : n(total)}`);
    for (const e of c.examples) lines.push(`  ${e}`);
    lines.push("");
  }
  for (const note of proof.notes ?? []) lines.push(note);
  const failed = proof.checks.filter((c) => !c.ok);
  lines.push(
    failed.length === 0
      ? `PROVED: ${proof.claim}`
      : `NOT PROVED: ${failed.length} of ${proof.checks.length} checks violated (${failed.map((c) => c.name).join("; ")})`,
  );
  return `${lines.join("\n")}\n`;
}
