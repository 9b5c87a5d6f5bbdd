// Helpers for the operations tests: HTTP calls against a broker's admin port, and
// finding the tools (promtool, kubectl) these tests drive.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON answers.
  readonly json: any;
}

/** One HTTP request; `body` is sent as is when a string, else as JSON. */
export async function http(
  port: number,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The path of a tool on PATH (or in /usr/bin, /usr/local/bin), or null. */
export function findTool(name: string): string | null {
  const which = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found;
  for (const dir of ["/usr/bin", "/usr/local/bin"]) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  return null;
}

/** A typed JSON error with this status and name from the shared table. */
export function assertError(res: HttpAnswer, status: number, name: string): void {
  assert.equal(res.status, status, `expected ${status} ${name}, got ${res.status}: ${res.text}`);
  assert.equal(res.json?.error?.name, name, res.text);
  assert.equal(typeof res.json.error.code, "number");
  assert.equal(typeof res.json.error.message, "string");
}

/** The value of one sample in a Prometheus exposition, by name and exact label text (e.g. `{topic="t"}`). */
export function sample(text: string, name: string, labels = ""): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : null;
}
