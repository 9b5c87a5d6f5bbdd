/**
 * A demo's client processes (pipeline processors, zombie-demo instances): real child
 * processes, so that kill -9 and SIGSTOP are the real thing, talking to the demo over
 * Node's IPC channel (they report counts and states, never records: the proof comes
 * from reading the topics back, not from what a process says it did).
 *
 * In a source checkout (this module is .ts) a child runs its .ts entry through tsx with
 * the tidelog-source condition, like the demo itself; from a build it runs the .js
 * entry beside this one. A child exits when the demo's IPC channel closes, and every
 * child still running is sent SIGKILL when the demo process exits, however it exits.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CHILD_LOG_LINES_KEPT, CHILD_MESSAGES_KEPT, CHILD_STOP_GRACE_MS } from "./limits.js";
import { waitFor, within } from "./wait.js";

/** The child entry points, relative to this module, without extension. */
export type ChildEntry = "pipeline/processor" | "zombie/zombie-instance";

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class ChildExitedError extends Error {
  override name = "ChildExitedError";
}

/** The running module's own extension decides how children run (see the header). */
function childCommand(entry: ChildEntry): { file: string; execArgv: string[] } {
  const source = import.meta.url.endsWith(".ts");
  const file = fileURLToPath(new URL(`./${entry}${source ? ".ts" : ".js"}`, import.meta.url));
  if (!source) return { file, execArgv: [] };
  return { file, execArgv: ["--import", import.meta.resolve("tsx"), "--conditions=tidelog-source"] };
}

/** The kernel's one-letter state of `pid` ("T" when stopped), or undefined when it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}

export class DemoChild<Out extends { type: string }> {
  readonly pid: number;
  readonly exited: Promise<ChildExit>;
  private exit: ChildExit | null = null;
  private readonly messages: { seq: number; message: Out }[] = [];
  private nextSeq = 0;
  private readonly lines: string[] = [];
  private readonly handlers: ((message: Out) => void)[] = [];

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    if (child.pid === undefined) throw new Error(`${name} could not be started`);
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    child.on("message", (message) => {
      this.messages.push({ seq: this.nextSeq++, message: message as Out });
      if (this.messages.length > CHILD_MESSAGES_KEPT) this.messages.shift();
      for (const h of this.handlers) h(message as Out);
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) if (line.trim() !== "") this.lines.push(line);
        this.lines.splice(0, Math.max(0, this.lines.length - CHILD_LOG_LINES_KEPT));
      });
    }
  }

  get running(): boolean {
    return this.exit === null;
  }

  /** The sequence number the next message will get: pass it as `since` to wait for a later one. */
  get messageSeq(): number {
    return this.nextSeq;
  }

  /** Calls `handler` with every message from now on. */
  onMessage(handler: (message: Out) => void): void {
    this.handlers.push(handler);
  }

  send(message: { type: string }): void {
    if (this.running && this.child.connected) this.child.send(message);
  }

  /** The first message (at or after `since`) that `match` accepts; throws if the child exits or `timeoutMs` passes. */
  async waitForMessage<T extends Out>(
    match: (m: Out) => m is T,
    timeoutMs: number,
    since = 0,
    signal?: AbortSignal,
  ): Promise<T> {
    const found = () => this.messages.find((m) => m.seq >= since && match(m.message))?.message as T | undefined;
    const seen = found();
    if (seen) return seen;
    let exited = false;
    const message = await waitFor(
      () => {
        exited = !this.running;
        return found() ?? exited;
      },
      { description: `a message from ${this.name}`, timeoutMs, intervalMs: 20, ...(signal ? { signal } : {}) },
    );
    if (message === true) {
      const said = this.messages.slice(-3).map((m) => JSON.stringify(m.message));
      throw new ChildExitedError(
        `${this.name} exited (${this.describeExit()}); its last messages: ${said.join(" ") || "none"}; ` +
          `its last lines:\n${this.logTail() || "  (none)"}`,
      );
    }
    return message as T;
  }

  /** kill -9; resolves once the process is gone. */
  async kill9(): Promise<ChildExit> {
    if (this.running) this.child.kill("SIGKILL");
    return this.exited;
  }

  /** SIGTERM (after SIGCONT, in case it is frozen), SIGKILL after the grace period. */
  async stop(graceMs = CHILD_STOP_GRACE_MS): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.child.kill("SIGCONT");
    this.child.kill("SIGTERM");
    const exit = await within(this.exited, graceMs);
    return exit ?? this.kill9();
  }

  /** SIGSTOP; resolves once the kernel shows the process stopped. */
  async freeze(): Promise<void> {
    this.child.kill("SIGSTOP");
    await waitFor(() => processState(this.pid) === "T", {
      description: `${this.name} stopped`,
      timeoutMs: 5_000,
      intervalMs: 5,
    });
  }

  /** SIGCONT; resolves once the kernel shows the process running again. */
  async thaw(): Promise<void> {
    this.child.kill("SIGCONT");
    await waitFor(() => processState(this.pid) !== "T", {
      description: `${this.name} running`,
      timeoutMs: 5_000,
      intervalMs: 5,
    });
  }

  describeExit(): string {
    if (this.exit === null) return "running";
    return this.exit.signal !== null ? `signal ${this.exit.signal}` : `exit code ${this.exit.code}`;
  }

  /** The child's last output lines, for a report. */
  logTail(): string {
    return this.lines.map((l) => `  ${this.name}| ${l}`).join("\n");
  }
}

/** The children of one demo run: spawned here, all killed when the run ends or the process exits. */
export class ChildGroup {
  private readonly children = new Set<Pick<DemoChild<never>, "running" | "pid" | "stop">>();
  private readonly killNow = () => {
    for (const c of this.children) if (c.running) process.kill(c.pid, "SIGKILL");
  };

  constructor() {
    process.on("exit", this.killNow);
  }

  spawn<Out extends { type: string }>(entry: ChildEntry, name: string, args: unknown): DemoChild<Out> {
    const { file, execArgv } = childCommand(entry);
    const child = fork(file, [JSON.stringify(args)], {
      execArgv,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    const handle = new DemoChild<Out>(name, child);
    this.children.add(handle);
    void handle.exited.then(() => this.children.delete(handle));
    return handle;
  }

  /** Stops every child (SIGTERM, then SIGKILL) and forgets the exit hook. */
  async close(): Promise<void> {
    await Promise.all([...this.children].map((c) => c.stop()));
    process.off("exit", this.killNow);
  }
}
