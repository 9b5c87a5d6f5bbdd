/**
 * How results reach the user: tables for people, one JSON document for scripts.
 *
 * JSON (--json): exactly one document on stdout, camelCase fields, numbers as numbers,
 * "none" as null. A failed command's document has a top-level "error" object
 * ({ code, errorCode, message }); per-item results carry their own "error" (null on
 * success). Human output: cli-table3 tables, coloured only when stdout is a terminal and
 * NO_COLOR is unset. Errors always go to stderr as "error: CODE: message".
 */
import { errorDetail, type TidelogError } from "@tidelog/client";
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
    const style = this.colour ? { head: ["bold"], border: ["grey"] } : { head: [], border: [] };
    const table = new Table({ head: [...head], style });
    for (const row of rows) table.push(row.map((cell) => (cell === null ? "-" : String(cell))));
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
