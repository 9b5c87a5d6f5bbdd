/**
 * What the verify cluster and nemesis tests share: a LocalCluster launched for a test
 * (skipped, with why, where this machine cannot give what it asks for), the broker
 * settings that make faults show in seconds, a live producer that keeps writing through
 * them, and probes of a broker from outside (its HTTP Date, its /readyz).
 */
import type { TestContext } from "node:test";
import type { Client, Producer } from "@tidelog/client";
import {
  type LocalClusterControl,
  type LocalClusterOptions,
  launchLocalCluster,
  localClusterSupport,
} from "../../clients/verify/src/index.js";
import { faultBrokerConfig } from "../cluster/fault-config.js";

/** Shortest settings the broker takes: a frozen broker loses its registration after 2 s, a cut follower the ISR after 1 s. */
export const FAST_FAULTS = faultBrokerConfig({
  "broker.session.timeout.ms": "2000",
  "controller.session.timeout.ms": "2000",
  "replica.lag.time.max.ms": "1000",
  "replica.fetch.wait.max.ms": "100",
});

/** Why this machine cannot launch what `options` asks for, or null. */
export function unsupported(options: LocalClusterOptions): string | null {
  const support = localClusterSupport();
  const why = [
    options.network ? support.network : null,
    options.tmpfsMiB ? support.tmpfs : null,
    options.fakeClock ? support.fakeClock : null,
  ].filter((w) => w !== null);
  return why.length > 0 ? why.join("; ") : null;
}

/** Launches a cluster closed when the test (or suite scope) ends; lines go to the test's diagnostics only on failure. */
export async function launchForTest(
  scope: { after(fn: () => unknown): void },
  options: LocalClusterOptions,
): Promise<LocalClusterControl> {
  const cluster = await launchLocalCluster(options);
  scope.after(() => cluster.close());
  return cluster;
}

/** A broker's wall clock, read from the Date header of its HTTP server (1 s resolution). */
export async function brokerWallClockMs(cluster: LocalClusterControl, id: number): Promise<number> {
  const res = await fetch(`http://${cluster.brokerHttpAddress(id)}/healthz`, { signal: AbortSignal.timeout(2000) });
  await res.text();
  const date = res.headers.get("date");
  if (date === null) throw new Error(`broker ${id}'s HTTP answer has no Date header`);
  return Date.parse(date);
}

/** A broker's /readyz status code. */
export async function readyz(cluster: LocalClusterControl, id: number): Promise<number> {
  return (await readyzAnswer(cluster, id)).status;
}

/** Broker `id`'s /readyz status and body (the reasons it is not ready). */
export async function readyzAnswer(
  cluster: LocalClusterControl,
  id: number,
): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://${cluster.brokerHttpAddress(id)}/readyz`, { signal: AbortSignal.timeout(2000) });
  return { status: res.status, body: await res.text() };
}

/** Registered broker ids, as describeCluster lists them. */
export async function registered(client: Client): Promise<number[]> {
  return (await client.admin().describeCluster()).brokers.map((b) => b.id).sort((a, b) => a - b);
}

/**
 * An idempotent acks=all producer writing to `topic` for as long as it runs, at most
 * IN_FLIGHT_MAX sends unanswered: the load every fault is done under.
 */
export class LiveProducer {
  static readonly IN_FLIGHT_MAX = 16;
  acked = 0;
  failed = 0;
  private running = true;
  private readonly pending = new Set<Promise<void>>();
  private readonly loop: Promise<void>;
  readonly producer: Producer;

  constructor(
    client: Client,
    private readonly topic: string,
  ) {
    this.producer = client.producer({ acks: -1, idempotent: true, lingerMs: 5, deliveryTimeoutMs: 60_000 });
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let seq = 0;
    while (this.running) {
      if (this.pending.size >= LiveProducer.IN_FLIGHT_MAX) {
        await Promise.race(this.pending);
        continue;
      }
      const sent = this.producer.send(this.topic, { value: `v${seq++}` }).then(
        () => {
          this.acked++;
        },
        () => {
          this.failed++;
        },
      );
      const tracked = sent.finally(() => this.pending.delete(tracked));
      this.pending.add(tracked);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Resolves once a send made now is acknowledged (it retries inside its delivery timeout). */
  async acknowledges(): Promise<void> {
    await this.producer.send(this.topic, { value: "probe" });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.allSettled(this.pending);
    await this.producer.close();
  }
}

export function skipUnless(t: TestContext, options: LocalClusterOptions): boolean {
  const why = unsupported(options);
  if (why !== null) t.skip(why);
  return why === null;
}
