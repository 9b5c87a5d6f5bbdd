/**
 * How results reach the user: tables for people, one JSON document for scripts.
 *
 * JSON (--json): exactly one document on stdout, camelCase fields, numbers as numbers,
 * "none" as null. A failed command's document has a top-level "error" object
 * ({ code, errorCode, message }); per-item results carry their own "error" (null on
 * success). Human output: cli-table3 tables, boxed and coloured only when stdout is a
 * terminal (colour only while NO_COLOR is unset); in a pipe or a file, plain columns
 * aligned with spaces (no box characters for grep, awk or a log to trip on). Errors
 * always go to stderr as "error: CODE: message".
 */
import { errorDetail, type TidelogError } from "@tidelog/client";
import { PLAIN_TABLE_CHARS } from "@tidelog/verify";
import Table from "cli-table3";
import type { CliIo } from "./io.js";

export interface ErrorJson {
  readonly code: string;
  readonly errorCode: number;
  readonly message: string;
}

export function errorJson(e: TidelogError): ErrorJson;
export function errorJson(e: TidelogError | null): ErrorJson | null;
export function errorJson(e: TidelogError | null): ErrorJson | null {
  return e && { code: e.code, errorCode: e.errorCode, message: errorDetail(e) };
}

export type Cell = string | number | null;

/** "1 record", "2 records": the count with its noun. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** https://no-color.org: any non-empty NO_COLOR turns colour off. */
  get colour(): boolean {
    const noColor = this.io.env.NO_COLOR;
    return this.io.stdout.isTTY === true && (noColor === undefined || noColor === "");
  }

  line(text = ""): void {
    this.io.stdout.write(`${text}\n`);
  }

  document(doc: object): void {
    this.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  }

  table(head: readonly string[], rows: readonly (readonly Cell[])[]): void {
    const cells = rows.map((row) => row.map((cell) => (cell === null ? "-" : String(cell))));
    if (this.io.stdout.isTTY !== true) {
      const table = new Table({
        head: [...head],
        chars: PLAIN_TABLE_CHARS,
        style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
      });
      table.push(...cells);
      this.line(
        table
          .toString()
          .split("\n")
          .map((l) => l.trimEnd())
          .join("\n"),
      );
      return;
    }
    const style = this.colour ? { head: ["bold"], border: ["grey"] } : { head: [], border: [] };
    const table = new Table({ head: [...head], style });
    table.push(...cells);
    this.line(table.toString());
  }

  /** "error: CODE: message" on stderr. */
  problem(e: TidelogError): void {
    this.io.stderr.write(`error: ${e.message}\n`);
  }

  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }
}
