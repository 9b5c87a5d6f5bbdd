/**
 * The pipeline's processor processes, from the demo's side: started, killed with kill -9
 * at the worst moment (armed: outputs written, not committed), restarted under the same
 * instance name (static group member, same transactional id), and restarted too when
 * one dies on its own (a failed transaction ends the process; see processor.ts).
 */
import type { ChildGroup, DemoChild } from "../demo-child.js";
import type { FaultLog } from "../fault-log.js";
import { CHILD_READY_TIMEOUT_MS } from "../limits.js";
import type { Progress } from "../progress.js";
import { count } from "../proof.js";
import { sleep } from "../wait.js";
import { type Delivery, isReport, type ProcessorArgs, type ProcessorReport } from "./processor-protocol.js";

/** How long an armed processor may take to reach its next batch (it is reading a steady input). */
const ARM_TIMEOUT_MS = 20_000;
/** A killed processor stays down this long before its restart. */
const RESTART_DELAY_MS = 500;

export interface FleetOptions {
  readonly bootstrap: string;
  readonly orders: string;
  readonly totals: string;
  readonly groupId: string;
  readonly transactionalIdPrefix: string;
  readonly delivery: Delivery;
  readonly sessionTimeoutMs: number;
}

interface Instance {
  readonly name: string;
  incarnation: number;
  child: DemoChild<ProcessorReport>;
  /** Orders committed by earlier incarnations, and by this one so far. */
  ordersBefore: number;
  ordersNow: number;
  partitions: number[];
  /** Set while the demo itself stops or kills it: its exit is not a failure. */
  expectedExit: boolean;
}

export class ProcessorFleet {
  private readonly instances = new Map<string, Instance>();
  private stopping = false;
  /** Processors that died on their own and were restarted. */
  crashes = 0;

  constructor(
    private readonly children: ChildGroup,
    private readonly options: FleetOptions,
    private readonly progress: Progress,
    private readonly faults: FaultLog,
    private readonly signal: AbortSignal,
  ) {}

  /** Starts processor `name` ("p1") and waits until it has joined (subscribed). */
  async start(name: string): Promise<void> {
    const instance: Instance = {
      name,
      incarnation: 0,
      child: this.spawn(name, 0),
      ordersBefore: 0,
      ordersNow: 0,
      partitions: [],
      expectedExit: false,
    };
    this.instances.set(name, instance);
    this.watch(instance);
    await instance.child.waitForMessage(isReport("ready"), CHILD_READY_TIMEOUT_MS, 0, this.signal);
  }

  /** Arms `name`, waits until it holds an uncommitted batch, kills it with kill -9, and restarts it. */
  async killMidTransaction(name: string): Promise<void> {
    const instance = this.instances.get(name);
    if (!instance?.child.running) return this.faults.skipped("processor kill", `${name} is not running`);
    const since = instance.child.messageSeq;
    instance.child.send({ type: "arm" });
    const holding = await instance.child
      .waitForMessage(isReport("holding"), ARM_TIMEOUT_MS, since, this.signal)
      .catch(() => null);
    instance.expectedExit = true;
    const pid = instance.child.pid;
    await instance.child.kill9();
    const what =
      holding === null
        ? "(it did not reach a batch in time: killed wherever it was)"
        : `mid-${this.options.delivery === "exactly-once" ? "transaction" : "batch"}: ` +
          `${count(holding.outputs, "output")} of orders ${holding.firstOrder}..${holding.lastOrder} ` +
          `(orders-${holding.partition}) written, ${this.options.delivery === "exactly-once" ? "transaction not committed" : "offsets not committed"}`;
    this.faults.done("processor kill -9", `kill -9 processor ${name} (pid ${pid}) ${what}`);
    await sleep(RESTART_DELAY_MS, this.signal);
    this.restart(instance, "restarted");
  }

  /** Orders committed by every processor so far (what they report; the proof reads the topics instead). */
  committedOrders(): number {
    let sum = 0;
    for (const i of this.instances.values()) sum += i.ordersBefore + i.ordersNow;
    return sum;
  }

  running(): number {
    return [...this.instances.values()].filter((i) => i.child.running).length;
  }

  /** Stops every processor (SIGTERM: it closes its consumer and producer, leaving the group). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.instances.values()].map((i) => i.child.stop()));
  }

  private spawn(name: string, incarnation: number): DemoChild<ProcessorReport> {
    const args: ProcessorArgs = {
      bootstrap: this.options.bootstrap,
      orders: this.options.orders,
      totals: this.options.totals,
      groupId: this.options.groupId,
      instance: name,
      incarnation,
      transactionalId: `${this.options.transactionalIdPrefix}-${name}`,
      delivery: this.options.delivery,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
    };
    return this.children.spawn<ProcessorReport>("pipeline/processor", `${name}#${incarnation}`, args);
  }

  /** One line for the whole group, whenever a member is given partitions. */
  private showOwners(): void {
    const owners = [...this.instances.values()].map((i) => `${i.name} [${i.partitions.join(",")}]`).join("  ");
    this.progress.event(`orders partitions owned: ${owners}`);
  }

  private restart(instance: Instance, why: string): void {
    if (this.stopping || this.signal.aborted) return;
    instance.partitions = [];
    instance.incarnation++;
    instance.ordersBefore += instance.ordersNow;
    instance.ordersNow = 0;
    instance.expectedExit = false;
    instance.child = this.spawn(instance.name, instance.incarnation);
    this.watch(instance);
    this.progress.event(
      `processor ${instance.name} ${why} (pid ${instance.child.pid}, incarnation #${instance.incarnation})`,
    );
  }

  private watch(instance: Instance): void {
    const child = instance.child;
    child.onMessage((m) => {
      if (m.type === "progress") instance.ordersNow = m.orders;
      else if (m.type === "assigned") {
        instance.partitions = [...new Set([...instance.partitions, ...m.partitions])].sort((a, b) => a - b);
        this.showOwners();
      } else if (m.type === "revoked") {
        instance.partitions = instance.partitions.filter((p) => !m.partitions.includes(p));
      } else if (m.type === "failed") {
        this.progress.event(`processor ${instance.name} failed: ${m.error}`);
      }
    });
    void child.exited.then(() => {
      if (instance.child !== child || instance.expectedExit || this.stopping || this.signal.aborted) return;
      this.crashes++;
      this.progress.event(`processor ${instance.name} exited on its own (${child.describeExit()})`);
      this.restart(instance, "restarted after its failure");
    });
  }
}
