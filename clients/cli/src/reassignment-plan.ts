/**
 * The reassignment plan generator behind `tidelog partitions reassign --plan` and
 * `tidelog brokers decommission <id>` (Kafka's `kafka-reassign-partitions --generate`, with
 * Cruise Control's basic goals). Pure: no I/O, no clock, no randomness.
 *
 * Plan file format (what `generatePlan` returns and `parsePlan` accepts), e.g. moving
 * orders-0 off broker 4 and handing its preferred leadership to broker 3:
 *
 *   {"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[3,1,2]}]}
 *
 * Only partitions whose replica list changes are listed; the first replica is the
 * preferred leader.
 *
 * Goals, in priority order:
 * 1. every replica ends on a target broker, each partition keeps its replication factor
 *    on distinct brokers (hard, asserted before returning);
 * 2. rack rule: no rack holds two replicas of a partition while another rack with a free
 *    broker holds none (generally: rack counts within 1, except racks already full);
 * 3. replica counts per target broker within 1 of each other (`existingLoad` included);
 * 4. fewest moved replicas: a replica stays unless its broker is leaving, it breaks the
 *    rack rule, or its broker holds at least 2 more than another that could take it;
 * 5. preferred leaders spread within 1, by reordering a partition's own replicas only.
 *
 * How: evacuate leaving brokers (partitions with the most replicas first) into the least
 * loaded rack-legal broker; repair rack spread; then repeatedly move one replica from a
 * fuller to an emptier broker, widest gap first, while some gap is 2 or more (each move
 * lowers the sum of squared loads, so this ends), choosing replicas placed by this plan
 * first (they cost no extra move), then followers, then leaders; then move preferred
 * leaders the same way, by reordering. A replacement takes the vacated position, so kept
 * replicas stay where they were (re-settled at the end, in case one left and came back);
 * a new preferred leader moves to the front and the rest keep their order.
 * This is greedy: on small random clusters it matched a brute-force minimum of moves in
 * all but about 1 in 3000 cases, where it moved one replica more.
 *
 * Bounded: per-broker counts and partition sets are kept incrementally, so a move costs
 * a scan of one broker's partitions (usually a few, since the first follower will do),
 * never of all partitions. A broker pair that found nothing to move later re-checks only
 * the source's partitions changed since. 10,000 partitions x RF 3 on 50 brokers plan in
 * tens of milliseconds; a full rebalance from 20 brokers onto 50 (18,000 moves) in a few
 * hundred.
 */

export interface PlanBroker {
  readonly id: number;
  readonly rack: string | null;
}

export interface PartitionReplicas {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
}

export interface ReassignmentPlan {
  readonly version: 1;
  readonly partitions: PartitionReplicas[];
}

export interface PlanOptions {
  /** Brokers the partitions may be placed on (e.g. all but one being decommissioned). */
  readonly brokers: readonly PlanBroker[];
  /** Current replica count of every broker over the whole cluster, including partitions not being planned, so load elsewhere is counted (optional; default: counted from `partitions` only). */
  readonly existingLoad?: ReadonlyMap<number, number>;
}

/**
 * Working state of one `generatePlan` call. Brokers are addressed by slot (their index in
 * id order), partitions by their index in topic/partition order: both orders are the
 * tie-breaks that make the plan deterministic.
 */
interface Planner {
  readonly ids: readonly number[];
  readonly slotOf: ReadonlyMap<number, number>;
  /** Rack index of each slot; empty when rack-unaware (some broker has no rack). */
  readonly rackOf: readonly number[];
  /** Target brokers per rack: a rack with all of them in a partition cannot take more. */
  readonly rackCapacity: readonly number[];
  readonly load: number[];
  /**
   * Partitions with a replica on the slot, apart from those it is the preferred leader of
   * (kept leaders are moved last, so scans for a follower must not wade through them).
   */
  readonly follows: Set<number>[];
  readonly leads: Set<number>[];
  /** Partitions whose replica on the slot was placed by this plan: moving it again is free. */
  readonly placed: Set<number>[];
  /**
   * Partitions on the slot whose replica list changed, in order of change: after a broker
   * pair found nothing to move, only partitions logged since can have become movable.
   */
  readonly changeLog: number[][];
  readonly input: readonly PartitionReplicas[];
  readonly replicas: number[][];
}

interface Candidate {
  readonly partition: number;
  readonly position: number;
}

function label(p: { readonly topic: string; readonly partition: number }): string {
  return `${p.topic}-${p.partition}`;
}

// Code-unit order, not localeCompare: the plan must not depend on the machine's locale.
function byTopicPartition(a: PartitionReplicas, b: PartitionReplicas): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

function isBrokerId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function checkPartitions(partitions: readonly PartitionReplicas[], brokerCount: number): PartitionReplicas[] {
  const sorted = [...partitions].sort(byTopicPartition);
  sorted.forEach((p, i) => {
    const prev = sorted[i - 1];
    if (prev !== undefined && byTopicPartition(prev, p) === 0) throw new Error(`partition ${label(p)} is listed twice`);
    if (p.replicas.length === 0) throw new Error(`partition ${label(p)} has no replicas`);
    if (!p.replicas.every(isBrokerId)) throw new Error(`partition ${label(p)} has a broker id that is not an integer`);
    if (new Set(p.replicas).size !== p.replicas.length) throw new Error(`partition ${label(p)} lists a broker twice`);
    if (p.replicas.length > brokerCount) {
      throw new Error(
        `partition ${label(p)} has replication factor ${p.replicas.length} but only ${brokerCount} target brokers`,
      );
    }
  });
  return sorted;
}

function checkBrokers(brokers: readonly PlanBroker[]): PlanBroker[] {
  if (brokers.length === 0) throw new Error("no target brokers to place partitions on");
  const sorted = [...brokers].sort((a, b) => a.id - b.id);
  sorted.forEach((b, i) => {
    if (!isBrokerId(b.id)) throw new Error(`target broker id ${b.id} is not a non-negative integer`);
    if (sorted[i - 1]?.id === b.id) throw new Error(`target broker ${b.id} is listed twice`);
  });
  return sorted;
}

function racksOf(brokers: readonly PlanBroker[]): { rackOf: number[]; rackCapacity: number[] } {
  // Kafka refuses a mix of racked and unracked brokers; here a mix means "no constraint",
  // since an unracked broker could sit in any rack.
  if (brokers.some((b) => b.rack === null)) return { rackOf: [], rackCapacity: [] };
  const names = [...new Set(brokers.map((b) => b.rack as string))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rackOf = brokers.map((b) => names.indexOf(b.rack as string));
  const rackCapacity = names.map((_, r) => rackOf.filter((x) => x === r).length);
  return { rackOf, rackCapacity };
}

function initialLoad(
  ids: readonly number[],
  planned: readonly number[],
  existingLoad: ReadonlyMap<number, number> | undefined,
): number[] {
  if (existingLoad === undefined) return [...planned];
  return ids.map((id, slot) => {
    const load = existingLoad.get(id) ?? 0;
    if (!Number.isSafeInteger(load) || load < planned[slot]!) {
      throw new Error(
        `existingLoad of broker ${id} is ${load}, below the ${planned[slot]} replicas the planned partitions have on it`,
      );
    }
    return load;
  });
}

function newPlanner(partitions: readonly PartitionReplicas[], options: PlanOptions): Planner {
  const brokers = checkBrokers(options.brokers);
  const input = checkPartitions(partitions, brokers.length);
  const ids = brokers.map((b) => b.id);
  const slotOf = new Map(ids.map((id, slot) => [id, slot]));
  const follows = ids.map(() => new Set<number>());
  const leads = ids.map(() => new Set<number>());
  input.forEach((p, index) => {
    p.replicas.forEach((id, pos) => {
      (pos === 0 ? leads : follows)[slotOf.get(id) ?? -1]?.add(index);
    });
  });
  const planned = ids.map((_, slot) => follows[slot]!.size + leads[slot]!.size);
  return {
    ids,
    slotOf,
    ...racksOf(brokers),
    load: initialLoad(ids, planned, options.existingLoad),
    follows,
    leads,
    placed: ids.map(() => new Set<number>()),
    changeLog: ids.map(() => []),
    input,
    replicas: input.map((p) => [...p.replicas]),
  };
}

function rackAware(pl: Planner): boolean {
  return pl.rackOf.length > 0;
}

/** Replicas per rack of a list, leaving out position `skip` (non-target brokers count nowhere). */
function rackCounts(pl: Planner, list: readonly number[], skip: number): number[] {
  const counts = pl.rackCapacity.map(() => 0);
  list.forEach((id, pos) => {
    const slot = pl.slotOf.get(id);
    if (pos === skip || slot === undefined) return;
    const rack = pl.rackOf[slot]!;
    counts[rack] = counts[rack]! + 1;
  });
  return counts;
}

/** The rack rule: no rack more than one above any rack that still has a free broker. */
function rackSpreadOk(pl: Planner, counts: readonly number[]): boolean {
  let max = 0;
  let minOpen = Number.POSITIVE_INFINITY;
  counts.forEach((c, rack) => {
    max = Math.max(max, c);
    if (c < pl.rackCapacity[rack]!) minOpen = Math.min(minOpen, c);
  });
  return max <= minOpen + 1;
}

/** Whether replacing the target broker at position `pos` of partition `p` by `dst` keeps the rack rule. */
function rackOkAfter(pl: Planner, p: number, pos: number, dst: number): boolean {
  const list = pl.replicas[p]!;
  const src = pl.slotOf.get(list[pos]!)!;
  if (!rackAware(pl) || pl.rackOf[src] === pl.rackOf[dst]) return true;
  // The source's rack gets a free broker back, so the destination's rack may end at most
  // one above it: most cross-rack moves fail here, before counting every rack.
  let onSrcRack = 0;
  let onDstRack = 0;
  for (const id of list) {
    const rack = pl.rackOf[pl.slotOf.get(id)!];
    if (rack === pl.rackOf[src]) onSrcRack++;
    else if (rack === pl.rackOf[dst]) onDstRack++;
  }
  if (onDstRack >= onSrcRack) return false;
  const counts = rackCounts(pl, list, pos);
  const rack = pl.rackOf[dst]!;
  counts[rack] = counts[rack]! + 1;
  return rackSpreadOk(pl, counts);
}

function moveReplica(pl: Planner, p: number, pos: number, dst: number): void {
  const list = pl.replicas[p]!;
  const src = pl.slotOf.get(list[pos]!);
  if (src !== undefined) {
    pl.load[src]!--;
    (pos === 0 ? pl.leads : pl.follows)[src]!.delete(p);
    pl.placed[src]!.delete(p);
  }
  list[pos] = pl.ids[dst]!;
  pl.load[dst]!++;
  (pos === 0 ? pl.leads : pl.follows)[dst]!.add(p);
  if (!pl.input[p]!.replicas.includes(list[pos]!)) pl.placed[dst]!.add(p);
  for (const id of list) pl.changeLog[pl.slotOf.get(id) ?? -1]?.push(p);
}

/** Least loaded slot not already in the list, among those `allowed` (ties: lower id). */
function leastLoaded(pl: Planner, list: readonly number[], allowed: (slot: number) => boolean): number {
  let best = -1;
  pl.ids.forEach((id, slot) => {
    if (list.includes(id) || !allowed(slot)) return;
    if (best < 0 || pl.load[slot]! < pl.load[best]!) best = slot;
  });
  return best;
}

/** Where a replica at `pos` goes: the least loaded broker on the emptiest rack that has room. */
function replacementFor(pl: Planner, list: readonly number[], pos: number): number {
  if (!rackAware(pl)) return leastLoaded(pl, list, () => true);
  const counts = rackCounts(pl, list, pos);
  let fewest = Number.POSITIVE_INFINITY;
  pl.ids.forEach((id, slot) => {
    if (!list.includes(id)) fewest = Math.min(fewest, counts[pl.rackOf[slot]!]!);
  });
  return leastLoaded(pl, list, (slot) => counts[pl.rackOf[slot]!] === fewest);
}

/**
 * Partitions with more replicas go first: they have fewer brokers to choose from, so a
 * forced placement does not find its only broker already filled by a partition that could
 * have gone anywhere.
 */
function evacuate(pl: Planner): void {
  const leaving = pl.replicas.flatMap((list, p) => (list.every((id) => pl.slotOf.has(id)) ? [] : [p]));
  leaving.sort((a, b) => pl.replicas[b]!.length - pl.replicas[a]!.length || a - b);
  for (const p of leaving) {
    const list = pl.replicas[p]!;
    list.forEach((id, pos) => {
      if (!pl.slotOf.has(id)) moveReplica(pl, p, pos, replacementFor(pl, list, pos));
    });
  }
}

/**
 * What moving the replica at `pos` to `dstId` costs, lower is better: a replica this plan
 * placed moves again for free (and moving it back onto a broker that had the partition
 * saves a move); a kept replica costs a move, more if it is the preferred leader.
 */
function moveCost(pl: Planner, p: number, pos: number, dstId: number): number {
  const original = pl.input[p]!.replicas;
  if (!original.includes(pl.replicas[p]![pos]!)) return original.includes(dstId) ? -1 : 0;
  return pos === 0 ? 2 : 1;
}

/** Moves partitions off racks holding more than their share of one partition's replicas. */
function spreadRacks(pl: Planner): void {
  if (!rackAware(pl)) return;
  pl.replicas.forEach((list, p) => {
    for (let counts = rackCounts(pl, list, -1); !rackSpreadOk(pl, counts); counts = rackCounts(pl, list, -1)) {
      const crowded = Math.max(...counts);
      const sparse = Math.min(...counts.filter((c, rack) => c < pl.rackCapacity[rack]!));
      const dst = leastLoaded(pl, list, (slot) => counts[pl.rackOf[slot]!] === sparse);
      let pos = -1;
      list.forEach((id, i) => {
        if (counts[pl.rackOf[pl.slotOf.get(id)!]!] !== crowded) return;
        if (pos < 0 || moveCost(pl, p, i, pl.ids[dst]!) < moveCost(pl, p, pos, pl.ids[dst]!)) pos = i;
      });
      moveReplica(pl, p, pos, dst);
    }
  });
}

/** The cheapest legal move from slot `src` to slot `dst` among `partitions`, stopping at one costing `enough`. */
function cheapestAmong(
  pl: Planner,
  src: number,
  dst: number,
  partitions: Iterable<number>,
  enough: number,
): Candidate | undefined {
  const srcId = pl.ids[src]!;
  const dstId = pl.ids[dst]!;
  let best: Candidate | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const p of partitions) {
    const list = pl.replicas[p]!;
    const pos = list.indexOf(srcId);
    if (pos < 0 || list.includes(dstId)) continue;
    const cost = moveCost(pl, p, pos, dstId);
    if (cost >= bestCost || !rackOkAfter(pl, p, pos, dst)) continue;
    best = { partition: p, position: pos };
    bestCost = cost;
    if (cost <= enough) break;
  }
  return best;
}

/** Replicas this plan placed first (free), then the first kept follower, then leaders. */
function cheapestMove(pl: Planner, src: number, dst: number): Candidate | undefined {
  return (
    cheapestAmong(pl, src, dst, pl.placed[src]!, 0) ??
    cheapestAmong(pl, src, dst, pl.follows[src]!, 1) ??
    cheapestAmong(pl, src, dst, pl.leads[src]!, 2)
  );
}

/**
 * Per-slot counts (replicas or leaders) with the slots kept sorted by (count, slot). Counts
 * change by one per step, so re-sorting is a short bubble, not a sort per move.
 */
interface Ranking {
  readonly count: number[];
  readonly order: number[];
}

function newRanking(count: number[]): Ranking {
  return { count, order: count.map((_, slot) => slot).sort((a, b) => count[a]! - count[b]! || a - b) };
}

function bump(r: Ranking, slot: number, delta: 1 | -1): void {
  const { count, order } = r;
  count[slot]! += delta;
  const before = (a: number, b: number) => count[a]! < count[b]! || (count[a] === count[b] && a < b);
  let i = order.indexOf(slot);
  for (; i > 0 && before(slot, order[i - 1]!); i--) order[i] = order[i - 1]!;
  for (; i < order.length - 1 && before(order[i + 1]!, slot); i++) order[i] = order[i + 1]!;
  order[i] = slot;
}

/**
 * The first (src, dst) pair with a hit, from the widest count gap inwards while the gap is
 * at least 2 (closing a gap of 1 would only swap which broker is ahead).
 */
function firstPair<T>(r: Ranking, tryPair: (src: number, dst: number) => T | undefined): T | undefined {
  const { count, order } = r;
  const lowest = count[order[0]!]!;
  for (let i = order.length - 1; i > 0 && count[order[i]!]! - lowest >= 2; i--) {
    const src = order[i]!;
    for (let j = 0; j < i && count[src]! - count[order[j]!]! >= 2; j++) {
      const hit = tryPair(src, order[j]!);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

/**
 * Moves one replica at a time from a fuller to an emptier broker. A pair that found nothing
 * remembers how far the source's change log went, and next time looks only at partitions
 * changed since: the others still cannot move, so a stuck broker (say the only one in its
 * rack) costs its new changes, not a rescan of all its partitions, per move.
 */
function balanceReplicas(pl: Planner): void {
  const n = pl.ids.length;
  // 0: no failure recorded; k + 1: failed with the source's change log at length k.
  const failedAt = new Uint32Array(n * n);
  const tryPair = (src: number, dst: number) => {
    const key = src * n + dst;
    const log = pl.changeLog[src]!;
    const seen = failedAt[key]!;
    const move = seen === 0 ? cheapestMove(pl, src, dst) : cheapestAmong(pl, src, dst, log.slice(seen - 1), -1);
    if (move === undefined) failedAt[key] = log.length + 1;
    else failedAt[key] = 0;
    return move === undefined ? undefined : { ...move, dst };
  };
  const ranking = newRanking([...pl.load]);
  for (let move = firstPair(ranking, tryPair); move !== undefined; move = firstPair(ranking, tryPair)) {
    bump(ranking, pl.slotOf.get(pl.replicas[move.partition]![move.position]!)!, -1);
    bump(ranking, move.dst, 1);
    moveReplica(pl, move.partition, move.position, move.dst);
  }
}

/**
 * Puts each kept replica back at its original position: a broker that left a partition and
 * came back (a move undone) may have returned to another slot. New replicas fill the
 * vacated positions in the order they were placed.
 */
function settlePositions(pl: Planner): void {
  pl.replicas.forEach((list, p) => {
    const original = pl.input[p]!.replicas;
    const added = list.filter((id) => !original.includes(id));
    const settled = original.map((id) => (list.includes(id) ? id : added.shift()!));
    list.splice(0, list.length, ...settled);
  });
}

/**
 * Spreads preferred leaders by moving a replica to the front of its own list (no data
 * moves). Leaders elsewhere in the cluster are not known here, so only the planned
 * partitions' leaders are balanced.
 */
function balanceLeaders(pl: Planner): void {
  const led = pl.ids.map(() => new Set<number>());
  pl.replicas.forEach((list, p) => {
    led[pl.slotOf.get(list[0]!)!]!.add(p);
  });
  const leaders = newRanking(led.map((s) => s.size));
  // Leaderships each broker has gained: losing one cannot give a failed pair a hit, so a
  // failure stays valid until the source gains one.
  const gains = pl.ids.map(() => 1);
  const failedAt = new Uint32Array(pl.ids.length * pl.ids.length);
  // Order before any leader change, so a partition led anew twice still keeps it.
  const settled = new Map<number, readonly number[]>();
  const tryPair = (src: number, dst: number) => {
    const key = src * pl.ids.length + dst;
    if (failedAt[key] === gains[src]) return undefined;
    const p = leaderCandidate(pl, led[src]!, pl.ids[dst]!);
    if (p === undefined) failedAt[key] = gains[src]!;
    return p === undefined ? undefined : { p, src, dst };
  };
  for (let swap = firstPair(leaders, tryPair); swap !== undefined; swap = firstPair(leaders, tryPair)) {
    const list = pl.replicas[swap.p]!;
    const dstId = pl.ids[swap.dst]!;
    // Move to the front rather than swap, so the other replicas keep their relative order.
    const order = settled.get(swap.p) ?? [...list];
    settled.set(swap.p, order);
    list.splice(0, list.length, dstId, ...order.filter((id) => id !== dstId));
    led[swap.src]!.delete(swap.p);
    led[swap.dst]!.add(swap.p);
    bump(leaders, swap.src, -1);
    bump(leaders, swap.dst, 1);
    gains[swap.dst]!++;
  }
}

/** A partition led by the source that has `dstId` as a replica, preferring one already in the plan. */
function leaderCandidate(pl: Planner, ledBySrc: ReadonlySet<number>, dstId: number): number | undefined {
  let found: number | undefined;
  for (const p of ledBySrc) {
    const list = pl.replicas[p]!;
    if (!list.includes(dstId)) continue;
    if (!sameList(list, pl.input[p]!.replicas)) return p;
    found ??= p;
  }
  return found;
}

// Bugs crash loudly: a plan that would lose or double a replica must never be written.
function assertPlanned(pl: Planner): void {
  pl.replicas.forEach((list, p) => {
    const before = pl.input[p]!;
    const ok =
      list.length === before.replicas.length &&
      new Set(list).size === list.length &&
      list.every((id) => pl.slotOf.has(id)) &&
      (!rackAware(pl) || rackSpreadOk(pl, rackCounts(pl, list, -1)));
    if (!ok) throw new Error(`reassignment plan invariant broken for ${label(before)}: [${list.join(",")}]`);
  });
}

export function generatePlan(partitions: readonly PartitionReplicas[], options: PlanOptions): ReassignmentPlan {
  const pl = newPlanner(partitions, options);
  evacuate(pl);
  spreadRacks(pl);
  balanceReplicas(pl);
  settlePositions(pl);
  balanceLeaders(pl);
  assertPlanned(pl);
  const changed: PartitionReplicas[] = [];
  pl.input.forEach((p, i) => {
    const list = pl.replicas[i]!;
    if (!sameList(list, p.replicas)) changed.push({ topic: p.topic, partition: p.partition, replicas: list });
  });
  return { version: 1, partitions: changed };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseEntry(entry: unknown, where: string): PartitionReplicas {
  if (!isObject(entry)) throw new Error(`${where} is not an object`);
  const { topic, partition, replicas } = entry;
  if (typeof topic !== "string" || topic === "") throw new Error(`${where}: missing topic`);
  const name = `${where} (topic ${JSON.stringify(topic)})`;
  if (typeof partition !== "number" || !Number.isSafeInteger(partition) || partition < 0) {
    throw new Error(`${name}: partition must be a non-negative integer, got ${JSON.stringify(partition)}`);
  }
  const full = `${where} (${label({ topic, partition })})`;
  if (!Array.isArray(replicas)) throw new Error(`${full}: replicas must be an array of broker ids`);
  if (replicas.length === 0) throw new Error(`${full}: replicas is empty`);
  const bad = replicas.find((id) => !isBrokerId(id));
  if (bad !== undefined) throw new Error(`${full}: broker id ${JSON.stringify(bad)} is not a non-negative integer`);
  const twice = replicas.find((id, i) => replicas.indexOf(id) !== i);
  if (twice !== undefined) throw new Error(`${full}: duplicate broker ${twice} in replicas`);
  return { topic, partition, replicas: [...(replicas as number[])] };
}

/** Validates a plan read from a user's file (unknown JSON): returns the plan or throws an Error whose message names the entry and the problem (not an object, version not 1, missing topic, partition not a non-negative integer, replicas empty, duplicate broker in a list, non-integer broker id, the same partition twice). */
export function parsePlan(json: unknown): ReassignmentPlan {
  if (!isObject(json)) throw new Error("reassignment plan is not a JSON object");
  if (json["version"] !== 1) {
    throw new Error(`reassignment plan version must be 1, got ${JSON.stringify(json["version"])}`);
  }
  const entries = json["partitions"];
  if (!Array.isArray(entries)) throw new Error("reassignment plan has no partitions array");
  const seen = new Map<string, number>();
  const partitions = entries.map((entry, i) => {
    const parsed = parseEntry(entry, `partitions[${i}]`);
    // JSON.stringify keeps topic names with any characters apart from the partition number.
    const key = JSON.stringify([parsed.topic, parsed.partition]);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new Error(`partitions[${i}] (${label(parsed)}): same partition as partitions[${first}]`);
    }
    seen.set(key, i);
    return parsed;
  });
  return { version: 1, partitions };
}

/** Replicas moved by a plan, against the current assignment: how many (broker, partition) placements are new. */
export function movesOf(current: readonly PartitionReplicas[], plan: ReassignmentPlan): number {
  const before = new Map<string, readonly number[]>();
  for (const p of current) before.set(JSON.stringify([p.topic, p.partition]), p.replicas);
  let moves = 0;
  for (const p of plan.partitions) {
    const had = before.get(JSON.stringify([p.topic, p.partition])) ?? [];
    for (const id of p.replicas) if (!had.includes(id)) moves++;
  }
  return moves;
}
