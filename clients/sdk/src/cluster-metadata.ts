/**
 * What the client knows about the cluster: the last DescribeCluster answer (brokers by
 * id, the controller), and which broker to ask next.
 *
 * Reads go to any broker, round-robin over the brokers the cluster reported and then the
 * bootstrap addresses (so a broker that advertises an address this client cannot reach
 * never strands it). Writes go to the controller. The answer is dropped when a broker
 * says NOT_CONTROLLER (`invalidate()`) and when older than METADATA_MAX_AGE_MS.
 *
 * A broker whose cache lags may name an old controller. Controller epochs only grow, so
 * an answer whose epoch is below one already seen is stale: its controller is not used.
 *
 * Not safe for concurrent refreshes to race meaningfully: the last answer wins, which is
 * fine because each answer is a complete snapshot.
 */
import type { ClusterDescription } from "./admin-types.js";
import { TidelogError } from "./errors.js";

export type DescribeClusterFn = (address: string, deadlineMs: number) => Promise<ClusterDescription>;

export interface ClusterMetadataOptions {
  readonly bootstrap: readonly string[];
  readonly describe: DescribeClusterFn;
  readonly nowMs: () => number;
  readonly maxAgeMs: number;
}

export class ClusterMetadata {
  private snapshot: { readonly description: ClusterDescription; readonly atMs: number } | null = null;
  /** Broker addresses from the last answer; kept across invalidation, as places to ask. */
  private known: readonly string[] = [];
  private highestControllerEpoch = -1;
  private cursor = 0;

  constructor(private readonly options: ClusterMetadataOptions) {
    if (options.bootstrap.length === 0) throw new Error("ClusterMetadata needs at least one bootstrap address");
  }

  /** The last answer, if still fresh. */
  get current(): ClusterDescription | null {
    const s = this.snapshot;
    return s && this.options.nowMs() - s.atMs < this.options.maxAgeMs ? s.description : null;
  }

  /** The next broker to ask, round-robin. */
  nextAddress(): string {
    const candidates = [...new Set([...this.known, ...this.options.bootstrap])];
    const address = candidates[this.cursor % candidates.length]!;
    this.cursor = (this.cursor + 1) % candidates.length;
    return address;
  }

  async refresh(deadlineMs: number): Promise<ClusterDescription> {
    const description = await this.options.describe(this.nextAddress(), deadlineMs);
    this.snapshot = { description, atMs: this.options.nowMs() };
    this.known = description.brokers.map((b) => b.address);
    this.highestControllerEpoch = Math.max(this.highestControllerEpoch, description.controllerEpoch);
    return description;
  }

  /** The controller's address, refreshing first when needed; NOT_CONTROLLER (retriable) when none is known. */
  async controllerAddress(deadlineMs: number): Promise<string> {
    const d = this.current ?? (await this.refresh(deadlineMs));
    const controller = d.brokers.find((b) => b.id === d.controllerId);
    if (d.controllerId !== null && controller && d.controllerEpoch >= this.highestControllerEpoch) {
      return controller.address;
    }
    this.invalidate();
    throw new TidelogError("NOT_CONTROLLER", this.whyNoController(d));
  }

  invalidate(): void {
    this.snapshot = null;
  }

  private whyNoController(d: ClusterDescription): string {
    if (d.controllerId === null) return `broker ${d.answeredBy} reports that no controller is elected`;
    if (d.controllerEpoch < this.highestControllerEpoch) {
      return `broker ${d.answeredBy} has stale metadata (controller epoch ${d.controllerEpoch} < ${this.highestControllerEpoch})`;
    }
    return `broker ${d.answeredBy} names controller ${d.controllerId}, which is not among the brokers it lists`;
  }
}
