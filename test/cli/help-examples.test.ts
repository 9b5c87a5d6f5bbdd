// Every example that `--help` shows, on every command, must be accepted by the CLI as
// written: the command exists, its options exist and their values parse. Examples are
// what users copy first, and a renamed option would otherwise leave them quietly wrong.
// Each is parsed by the real command tree with the actions replaced, so nothing is sent;
// what the examples do against a cluster is covered by the command tests themselves.
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { test } from "node:test";
import type { CliIo } from "../../clients/cli/src/io.js";
import { createProgram, type Program } from "../../clients/cli/src/program.js";
import { Session } from "../../clients/cli/src/session.js";
import { runCli } from "./run-cli.js";

type AnyCommand = Program["commands"][number];

function quietIo(): CliIo {
  return { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: tmpdir() };
}

/** Paths of every command, e.g. ["topics", "create"], the root first (as []). */
function commandPaths(): string[][] {
  const io = quietIo();
  const paths: string[][] = [];
  const walk = (cmd: AnyCommand | Program, path: string[]) => {
    paths.push(path);
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(createProgram(io, new Session(io)), []);
  return paths;
}

/** Splits one shell command into words: quotes and backslashes as sh reads them, no expansion. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else word = (word ?? "") + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= "";
    } else if (ch === " ") {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? "") + ch;
  }
  assert.equal(quote, null, `unbalanced quotes in: ${line}`);
  if (word !== null) words.push(word);
  return words;
}

const REDIRECTION = /^\d?(<|>|>>)$/;

/** The tidelog arguments of an example line: the pipeline's tidelog stage, after any
 * VAR=value prefixes, command substitutions standing for a broker address. */
function exampleArgs(example: string): string[] {
  const substituted = example.replace(/"\$\([^)]*\)"/g, "127.0.0.1:9092");
  const stage = substituted
    .split(" | ")
    .map((s) => shellWords(s.trim()))
    .find((words) => words.some((w) => w === "tidelog"));
  assert.ok(stage, `no tidelog stage in: ${example}`);
  const args: string[] = [];
  const words = stage.slice(stage.indexOf("tidelog") + 1);
  for (let i = 0; i < words.length; i++) {
    if (REDIRECTION.test(words[i] as string))
      i++; // the redirection and its file are the shell's
    else args.push(words[i] as string);
  }
  return args;
}

/** Parses args with the real command tree, every action replaced: null when accepted, else the error. */
async function parseOnly(args: readonly string[]): Promise<string | null> {
  const io = quietIo();
  const session = new Session(io);
  const program = createProgram(io, session);
  const stub = (cmd: AnyCommand) => {
    if (cmd.commands.length === 0) cmd.action(() => {});
    for (const sub of cmd.commands) stub(sub);
  };
  for (const cmd of program.commands) stub(cmd);
  try {
    await program.parseAsync([...args], { from: "user" });
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await session.close();
  }
}

test("every example in every command's --help parses as written", async () => {
  const examples = new Map<string, string>();
  for (const path of commandPaths()) {
    const help = await runCli([...path, "--help"]);
    assert.equal(help.code, 0, `tidelog ${path.join(" ")} --help: ${help.stderr}`);
    for (const m of help.stdout.matchAll(/^\s*\$ (.+)$/gm)) {
      const line = (m[1] as string).trim();
      if (!examples.has(line)) examples.set(line, path.join(" ") || "(root)");
    }
  }
  // Every command group teaches by example; fewer than this means the extraction broke.
  assert.ok(examples.size >= 40, `found only ${examples.size} examples`);

  const refused: string[] = [];
  for (const [line, where] of examples) {
    const error = await parseOnly(exampleArgs(line));
    if (error !== null) refused.push(`tidelog ${where} --help shows "${line}": ${error}`);
  }
  assert.deepEqual(refused, [], refused.join("\n"));
});

test("the example parser reads pipelines, environment prefixes and quotes as sh does", () => {
  assert.deepEqual(exampleArgs("seq 100 | tidelog produce orders"), ["produce", "orders"]);
  assert.deepEqual(exampleArgs("TIDELOG_BOOTSTRAP=b:9292 tidelog topics describe orders --configs"), [
    "topics",
    "describe",
    "orders",
    "--configs",
  ]);
  assert.deepEqual(exampleArgs("tidelog consume t --count 3 > out.txt 2> err.txt"), ["consume", "t", "--count", "3"]);
  assert.deepEqual(exampleArgs(`tidelog --bootstrap "$(jq -r .bootstrap x.json)" produce t --header 'a=b c'`), [
    "--bootstrap",
    "127.0.0.1:9092",
    "produce",
    "t",
    "--header",
    "a=b c",
  ]);
});

test("an example that names a missing option is refused by the parse check", async () => {
  assert.match((await parseOnly(["topics", "create", "orders", "--partitons", "6"])) ?? "", /unknown option/);
  assert.equal(await parseOnly(["topics", "create", "orders", "--partitions", "6"]), null);
});
