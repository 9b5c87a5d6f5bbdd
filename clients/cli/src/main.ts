/**
 * The `tidelog` command line. `run` is the whole program as a function of its
 * arguments and process surroundings, returning the exit code, so tests run it
 * in-process; `runFromProcess` feeds it the real process. Run in development with
 *
 *   node --import tsx --conditions=tidelog-source clients/cli/src/main.ts --help
 *
 * and installed through bin/tidelog.js (which loads the built dist/main.js).
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { CliIo } from "./io.js";
import { createProgram } from "./program.js";
import { Session } from "./session.js";

export { ExitCode } from "./exit-codes.js";
export type { CliIo, OutputStream } from "./io.js";

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const session = new Session(io);
  try {
    await createProgram(io, session).parseAsync([...argv], { from: "user" });
    return session.exitCode;
  } catch (e) {
    return session.fail(e);
  } finally {
    await session.close();
  }
}

export function runFromProcess(): Promise<number> {
  const { stdout, stderr, env } = process;
  quietIpServerNameWarning();
  // A reader that went away (`tidelog --help | head`) is no failure: what is left to
  // print is dropped (produce and consume also stop, through onInterrupt).
  stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
  });
  const io: CliIo = {
    stdout,
    stderr,
    env,
    cwd: process.cwd(),
    onInterrupt,
    // Opened only by a command that reads it: an open stdin would keep the process alive.
    get stdin() {
      return process.stdin;
    },
    ...(process.stdin.isTTY ? { readSecret } : {}),
  };
  return run(process.argv.slice(2), io);
}

/**
 * grpc-js gives a broker's IP address as the TLS server name, which Node deprecates
 * (DEP0123) with a warning on every run that connects to brokers by IP over TLS: noise a
 * user can do nothing about (the address is verified against the certificate all the
 * same). Every other warning is still printed, as Node prints it.
 */
function quietIpServerNameWarning(): void {
  process.removeAllListeners("warning");
  process.on("warning", (w: Error & { code?: string }) => {
    if (w.code !== "DEP0123") process.stderr.write(`(node:${process.pid}) ${w.name}: ${w.message}\n`);
  });
}

/** A line typed at the terminal, not echoed (a password); Ctrl-C gives up. */
function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") {
          finish();
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          finish();
          reject(new Error("cancelled"));
          return;
        }
        value = ch === "\u007f" || ch === "\b" ? value.slice(0, -1) : value + ch;
      }
    };
    process.stderr.write(prompt);
    stdin.setEncoding("utf8");
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}

/** While a command has a handler installed, SIGINT, SIGTERM and a closed stdout (`| head`) call it instead of ending the process. */
function onInterrupt(handler: () => void): () => void {
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) process.on(s, handler);
  process.stdout.on("error", handler);
  return () => {
    for (const s of signals) process.off(s, handler);
    process.stdout.off("error", handler);
  };
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(realpathSync(script)).href === import.meta.url;
}

if (isEntryPoint()) process.exitCode = await runFromProcess();
