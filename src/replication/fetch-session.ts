/**
 * Fetch sessions (KIP-227) on a replica-fetch stream. Both halves live as long as the
 * stream: a reconnecting follower starts a new session with a full request, so neither
 * side ever needs a session id or an eviction policy.
 */
import type { wire } from "@tidelog/client/protocol";
import { tpKey } from "../common/topic-partition.js";
import type { Partition } from "./partition.js";

/** What a follower's request says about one partition it follows. */
export type FetchedReplica = Pick<Partition, "key" | "tp" | "leaderEpoch"> & {
  readonly log: {
    readonly logEndOffset: number;
    readonly logStartOffset: number;
    readonly epochs: { readonly latestEpoch: number };
  };
};

/**
 * The leader's half: every partition the follower fetches, as its latest request about
 * it said. A full request replaces it; an incremental one lists only the partitions whose
 * fetch state changed, so idle partitions are neither encoded by the follower nor decoded
 * here on every round trip. Each answer still covers the whole session: idle partitions
 * keep being read for new data and keep counting as caught up for the ISR.
 */
export class LeaderFetchSession {
  private partitions: wire.ReplicaFetchPartition__Output[] = [];
  private readonly indexOf = new Map<string, number>();

  update(req: wire.ReplicaFetchRequest__Output): readonly wire.ReplicaFetchPartition__Output[] {
    if (!req.incremental) {
      this.partitions = [];
      this.indexOf.clear();
    }
    for (const p of req.partitions) {
      const key = tpKey(p);
      const i = this.indexOf.get(key);
      if (i === undefined) {
        this.indexOf.set(key, this.partitions.length);
        this.partitions.push(p);
      } else this.partitions[i] = p;
    }
    return this.partitions;
  }
}

/**
 * The follower's half: what the leader was last told of each partition. Once the leader
 * has said it keeps sessions (an older one never does, and gets full requests), a request
 * lists every partition when the set differs from the last one sent (a partition parked,
 * joined or left), and otherwise only those whose log end offset, log start offset or epochs moved.
 */
export class FollowerFetchSession {
  private readonly sent = new Map<string, wire.ReplicaFetchPartition>();
  /** Whether the leader said it keeps sessions; until then every request is full. */
  private leaderKeepsSessions = false;

  /** Notes what the leader's latest answer said about sessions. */
  answered(answer: { readonly keepsSessions: boolean }): void {
    this.leaderKeepsSessions = answer.keepsSessions;
  }

  next(
    partitions: readonly FetchedReplica[],
    maxBytes: number,
  ): { incremental: boolean; changed: wire.ReplicaFetchPartition[] } {
    const incremental =
      this.leaderKeepsSessions && partitions.length === this.sent.size && partitions.every((p) => this.sent.has(p.key));
    if (!incremental) this.sent.clear();
    const changed: wire.ReplicaFetchPartition[] = [];
    for (const p of partitions) {
      const last = this.sent.get(p.key);
      const fetchOffset = p.log.logEndOffset;
      const currentLeaderEpoch = p.leaderEpoch;
      const lastFetchedEpoch = p.log.epochs.latestEpoch;
      const logStartOffset = p.log.logStartOffset;
      if (
        last !== undefined &&
        last.fetchOffset === fetchOffset &&
        last.currentLeaderEpoch === currentLeaderEpoch &&
        last.lastFetchedEpoch === lastFetchedEpoch &&
        last.logStartOffset === logStartOffset
      )
        continue;
      const entry = {
        topic: p.tp.topic,
        partition: p.tp.partition,
        fetchOffset,
        currentLeaderEpoch,
        lastFetchedEpoch,
        maxBytes,
        logStartOffset,
      };
      this.sent.set(p.key, entry);
      changed.push(entry);
    }
    return { incremental, changed };
  }
}
