/**
 * Placing a topic's partition replicas on brokers, as Kafka's AdminUtils does.
 *
 * Without racks: partition p's first replica (its preferred leader) is broker
 * (start + p) mod n, so preferred leaders go round-robin over the brokers; the other
 * replicas follow at a shift that grows every n partitions, so followers of one broker's
 * partitions are spread too. e.g. 3 brokers, 6 partitions, RF 2, start 0:
 *   p0 [0,1]  p1 [1,2]  p2 [2,0]  p3 [0,2]  p4 [1,0]  p5 [2,1]
 *
 * With racks (every broker must then have one): the broker list is first interleaved by
 * rack (r1, r2, r3, r1, ...), and each further replica skips brokers on a rack that
 * already holds one of the partition's replicas until every rack does. The result is
 * that a rack failure takes at most one replica of a partition when there are at least
 * RF racks.
 *
 * Pure: the random start comes from the caller, so tests can fix it.
 */
import { TidelogError } from "@tidelog/client/record";

export interface BrokerPlacement {
  readonly id: number;
  readonly rack: string | null;
}

export interface AssignmentRequest {
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly brokers: readonly BrokerPlacement[];
  /** Partition id to start from (existing count when adding partitions). */
  readonly firstPartition?: number;
  /** A number in [0, 1) choosing the start broker and the first shift. */
  readonly random: () => number;
}

function replicaIndex(first: number, shift: number, j: number, n: number): number {
  return (first + 1 + ((shift + j) % (n - 1))) % n;
}

/** Brokers interleaved by rack: the i-th broker of each rack in turn. */
function rackAlternated(brokers: readonly BrokerPlacement[]): BrokerPlacement[] {
  const byRack = new Map<string, BrokerPlacement[]>();
  for (const b of [...brokers].sort((a, b) => a.id - b.id)) {
    const rack = b.rack as string;
    const list = byRack.get(rack) ?? [];
    list.push(b);
    byRack.set(rack, list);
  }
  const racks = [...byRack.keys()].sort();
  const out: BrokerPlacement[] = [];
  for (let i = 0; out.length < brokers.length; i++) {
    for (const rack of racks) {
      const b = byRack.get(rack)?.[i];
      if (b) out.push(b);
    }
  }
  return out;
}

export function assignReplicas(req: AssignmentRequest): number[][] {
  const n = req.brokers.length;
  if (req.partitions < 1)
    throw new TidelogError("INVALID_PARTITIONS", `partitions must be at least 1, got ${req.partitions}`);
  if (req.replicationFactor < 1) {
    throw new TidelogError(
      "INVALID_REPLICATION_FACTOR",
      `replication factor must be at least 1, got ${req.replicationFactor}`,
    );
  }
  if (req.replicationFactor > n) {
    throw new TidelogError(
      "INVALID_REPLICATION_FACTOR",
      `replication factor ${req.replicationFactor} is larger than the ${n} live broker${n === 1 ? "" : "s"}`,
    );
  }
  const withRack = req.brokers.filter((b) => b.rack !== null).length;
  if (withRack > 0 && withRack < n) {
    throw new TidelogError(
      "INVALID_REPLICA_ASSIGNMENT",
      "some brokers have a rack and some do not: set broker.rack on all or none",
    );
  }
  return withRack === n ? assignRackAware(req) : assignRackUnaware(req);
}

/**
 * Kafka's placement loop: partition p's first replica is broker (start + p) mod n, and
 * the shift for its followers grows every n partitions. `followers` picks the rest.
 */
function placeEach(
  req: AssignmentRequest,
  n: number,
  followers: (firstIndex: number, shift: number) => number[],
): number[][] {
  const first = req.firstPartition ?? 0;
  const start = Math.floor(req.random() * n);
  let shift = Math.floor(req.random() * n);
  const out: number[][] = [];
  for (let p = first; p < first + req.partitions; p++) {
    if (p > 0 && p % n === 0) shift++;
    out.push(followers((p + start) % n, shift));
  }
  return out;
}

function assignRackUnaware(req: AssignmentRequest): number[][] {
  const brokers = [...req.brokers].map((b) => b.id).sort((a, b) => a - b);
  const n = brokers.length;
  return placeEach(req, n, (firstIndex, shift) => {
    const replicas = [brokers[firstIndex] as number];
    for (let j = 0; j < req.replicationFactor - 1; j++)
      replicas.push(brokers[replicaIndex(firstIndex, shift, j, n)] as number);
    return replicas;
  });
}

function assignRackAware(req: AssignmentRequest): number[][] {
  const brokers = rackAlternated(req.brokers);
  const n = brokers.length;
  const rackCount = new Set(brokers.map((b) => b.rack)).size;
  return placeEach(req, n, (firstIndex, shift) => {
    const leader = brokers[firstIndex] as BrokerPlacement;
    const replicas = [leader.id];
    const racksUsed = new Set([leader.rack]);
    for (let k = 0; replicas.length < req.replicationFactor; k++) {
      const candidate = brokers[replicaIndex(firstIndex, shift, k, n)] as BrokerPlacement;
      // Skip a broker already holding a replica, or on a used rack while unused racks remain.
      const rackTaken = racksUsed.has(candidate.rack) && racksUsed.size < rackCount;
      if (replicas.includes(candidate.id) || rackTaken) {
        if (k > 2 * n) throw new TidelogError("INVALID_REPLICA_ASSIGNMENT", "could not place replicas across racks");
        continue;
      }
      replicas.push(candidate.id);
      racksUsed.add(candidate.rack);
    }
    return replicas;
  });
}

/** Checks an explicit assignment against live brokers: same RF everywhere, no repeats. */
export function validateAssignment(assignment: readonly (readonly number[])[], liveBrokers: ReadonlySet<number>): void {
  if (assignment.length === 0) throw new TidelogError("INVALID_REPLICA_ASSIGNMENT", "the assignment has no partitions");
  const rf = assignment[0]?.length ?? 0;
  assignment.forEach((replicas, p) => {
    if (replicas.length !== rf || rf === 0) {
      throw new TidelogError(
        "INVALID_REPLICA_ASSIGNMENT",
        `partition ${p} has ${replicas.length} replicas, expected ${rf}`,
      );
    }
    if (new Set(replicas).size !== replicas.length) {
      throw new TidelogError("INVALID_REPLICA_ASSIGNMENT", `partition ${p} lists a broker twice`);
    }
    for (const b of replicas) {
      if (!liveBrokers.has(b))
        throw new TidelogError("INVALID_REPLICA_ASSIGNMENT", `partition ${p} names broker ${b}, which is not alive`);
    }
  });
}
