// Test helpers for consumer groups: member processes (scripts/harness/member-process.ts) and a
// check that no partition was ever owned by two live members, from the members' own
// assignment callbacks put in one time order.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

export interface MemberEvent {
  readonly event: "assigned" | "revoked" | "lost" | "record" | "closed" | "killed";
  readonly partitions?: number[];
  readonly partition?: number;
  readonly offset?: number;
  readonly value?: string | null;
  readonly at: number;
  /** Which member (filled in here). */
  member: string;
}

export interface Member {
  readonly name: string;
  readonly events: MemberEvent[];
  owned(): Set<number>;
  records(): MemberEvent[];
  kill9(): Promise<void>;
  stop(): Promise<void>;
  readonly exited: Promise<void>;
}

const ENTRY = fileURLToPath(new URL("./member-process.ts", import.meta.url));
const now = () => performance.timeOrigin + performance.now();

export function startMember(
  t: TestContext,
  name: string,
  settings: {
    bootstrap: string;
    groupId: string;
    topic: string;
    sessionTimeoutMs: number;
    autoCommitIntervalMs?: number;
    instanceId?: string;
    handlerDelayMs?: number;
  },
  all: MemberEvent[],
): Member {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=tidelog-source",
      ENTRY,
      JSON.stringify({ autoCommitIntervalMs: 500, ...settings }),
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
  );
  const events: MemberEvent[] = [];
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    try {
      const e = JSON.parse(line) as MemberEvent;
      e.member = name;
      events.push(e);
      all.push(e);
    } catch {
      // Not an event (a stray log line): ignore.
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    if (process.env.TIDELOG_TEST_DEBUG) console.error(`--- ${name} stderr\n${stderr}`);
  });
  const owned = () => {
    const set = new Set<number>();
    for (const e of events) {
      if (e.event === "assigned") for (const p of e.partitions ?? []) set.add(p);
      if (e.event === "revoked" || e.event === "lost") for (const p of e.partitions ?? []) set.delete(p);
    }
    return set;
  };
  return {
    name,
    events,
    owned,
    records: () => events.filter((e) => e.event === "record"),
    exited,
    async kill9() {
      const e: MemberEvent = { event: "killed", at: now(), member: name };
      child.kill("SIGKILL");
      await exited;
      events.push(e);
      all.push(e);
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Replays every member's assignment events in time order and fails if a partition was
 * ever assigned to a member while another live member still held it.
 */
export function assertExclusiveOwnership(all: readonly MemberEvent[]): void {
  const owner = new Map<number, string>();
  const dead = new Set<string>();
  for (const e of [...all].sort((a, b) => a.at - b.at)) {
    if (e.event === "killed") {
      dead.add(e.member);
      for (const [p, m] of owner) if (m === e.member) owner.delete(p);
    } else if (e.event === "assigned") {
      for (const p of e.partitions ?? []) {
        const holder = owner.get(p);
        assert.ok(
          holder === undefined || holder === e.member || dead.has(holder),
          `partition ${p} assigned to ${e.member} at ${e.at.toFixed(3)} while ${holder} still owned it`,
        );
        owner.set(p, e.member);
      }
    } else if (e.event === "revoked" || e.event === "lost") {
      for (const p of e.partitions ?? []) if (owner.get(p) === e.member) owner.delete(p);
    }
  }
}
