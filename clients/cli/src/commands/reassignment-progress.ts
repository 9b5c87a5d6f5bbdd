/**
 * Following partition moves until they complete: a progress bar on a terminal (cli-progress,
 * on stderr so stdout stays a clean table or JSON document), a line every few seconds
 * otherwise. Progress is the bytes the replicas being added hold against what their
 * leaders hold, read from every broker's log directories. Ctrl-C stops the waiting, not
 * the moves: the controller completes them anyway.
 */
import type { Admin, BrokerLogDirs, OngoingReassignment } from "@tidelog/client";
import { SingleBar } from "cli-progress";
import type { Session } from "../session.js";

/** How often the moves are looked at. */
const POLL_MS = 1000;
/** Without a terminal, a progress line this often. */
const LINE_EVERY_MS = 5000;

export interface MoveProgress {
  readonly moves: number;
  readonly copiedBytes: number;
  readonly totalBytes: number;
}

/** Bytes the replicas being added hold, against what their leaders hold, over `moves`. */
export function moveProgress(moves: readonly OngoingReassignment[], dirs: readonly BrokerLogDirs[]): MoveProgress {
  const size = (broker: number, topic: string, partition: number) =>
    dirs.find((d) => d.brokerId === broker)?.replicas.find((r) => r.topic === topic && r.partition === partition)
      ?.sizeBytes ?? 0;
  let copiedBytes = 0;
  let totalBytes = 0;
  for (const m of moves) {
    const full = m.leader >= 0 ? size(m.leader, m.topic, m.partition) : 0;
    for (const b of m.addingReplicas) {
      totalBytes += full;
      copiedBytes += Math.min(full, size(b, m.topic, m.partition));
    }
  }
  return { moves: moves.length, copiedBytes, totalBytes };
}

/**
 * Waits until `done()` says so, showing `describe()`'s progress. Returns false when
 * interrupted first.
 */
export async function follow(
  session: Session,
  label: string,
  look: () => Promise<{ done: boolean; value: number; total: number; detail: string }>,
): Promise<boolean> {
  const { io } = session;
  const tty = io.stderr.isTTY === true && !session.output.json;
  let interrupted = false;
  let wake: (() => void) | null = null;
  const uninstall = io.onInterrupt?.(() => {
    interrupted = true;
    wake?.();
  });
  const bar = tty
    ? new SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {detail}`,
          stream: io.stderr as NodeJS.WritableStream,
          hideCursor: true,
          clearOnComplete: true,
        },
        undefined,
      )
    : null;
  let lastLine = 0;
  try {
    let first = true;
    for (;;) {
      const now = await look();
      if (bar) {
        if (first) bar.start(Math.max(1, now.total), 0, { detail: now.detail });
        bar.setTotal(Math.max(1, now.total));
        bar.update(now.value, { detail: now.detail });
      } else if (performance.now() - lastLine >= LINE_EVERY_MS || now.done) {
        io.stderr.write(`${label}: ${now.detail}\n`);
        lastLine = performance.now();
      }
      first = false;
      if (now.done) return true;
      if (interrupted) return false;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, POLL_MS);
      });
      if (interrupted) return false;
    }
  } finally {
    bar?.stop();
    uninstall?.();
    if (interrupted) io.stderr.write(`stopped waiting; the moves go on (see: tidelog partitions reassign --status)\n`);
  }
}

/** Follows the moves of `topics` until none is left. */
export async function waitForMoves(session: Session, admin: Admin, topics: readonly string[], label: string) {
  return follow(session, label, async () => {
    const { reassignments } = await admin.listPartitionReassignments(topics);
    const p = moveProgress(reassignments, reassignments.length > 0 ? await admin.describeLogDirs() : []);
    return {
      done: reassignments.length === 0,
      value: p.copiedBytes,
      total: p.totalBytes,
      detail:
        reassignments.length === 0
          ? "every move completed"
          : `${reassignments.length} partition(s) moving, ${mb(p.copiedBytes)} of ${mb(p.totalBytes)} MB copied`,
    };
  });
}

export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
