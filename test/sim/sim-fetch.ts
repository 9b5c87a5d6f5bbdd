import { tpKey } from "../../src/common/topic-partition.js";
import { LeaderFetchSession } from "../../src/replication/fetch-session.js";
import type { FollowerAsked } from "../../src/replication/follower-apply.js";
import { type FollowerFetchResult, fetchForFollower } from "../../src/replication/follower-fetch.js";
import type { Partition } from "../../src/replication/partition.js";
import type { ReplicaManager } from "../../src/replication/replica-manager.js";

const FETCH_MAX_BYTES = 64 * 1024;

/**
 * One follower fetch as the real fetcher sends it, for `partitions` (the follower's own
 * replicas), answered at once by the leader's `fetchForFollower`: a full request on a new
 * session each time, so every partition is read and answered. `asked` (by tpKey) is what
 * applyFollowerData needs to tell a stale answer.
 */
export async function followerFetch(
  leader: ReplicaManager,
  followerId: number,
  brokerEpoch: number,
  partitions: readonly Partition[],
): Promise<{ answers: FollowerFetchResult[]; asked: Map<string, FollowerAsked> }> {
  const asked = new Map<string, FollowerAsked>();
  const session = new LeaderFetchSession();
  session.update({
    incremental: false,
    partitions: partitions.map((p) => {
      asked.set(tpKey(p.tp), { leaderEpoch: p.leaderEpoch, fetchOffset: p.log.logEndOffset });
      return {
        ...p.tp,
        fetchOffset: p.log.logEndOffset,
        currentLeaderEpoch: p.leaderEpoch,
        lastFetchedEpoch: p.log.epochs.latestEpoch,
        maxBytes: FETCH_MAX_BYTES,
        logStartOffset: p.log.logStartOffset,
      };
    }),
  });
  const answers = await fetchForFollower(leader, followerId, brokerEpoch, session, 0, FETCH_MAX_BYTES);
  return { answers, asked };
}
