/**
 * One process slot of a launched cluster (etcd, or a broker by id) whose process is
 * replaced on each restart while its output carries on in one bounded ring
 * (LIMITS.logLinesMax lines, each cut at LIMITS.lineCharsMax), quoted when something
 * about the process fails. Each output line also goes to the cluster's `log`, formatted.
 *
 * Signals go to the pid the slot spawned, which is the broker or etcd itself even in a
 * network namespace (`ip netns exec` execs in place). Kill, pause and resume resolve once
 * the kernel shows the new state, within SIGNAL_SETTLE_MS.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { LogRecord, LogRing, Proc, StopResult } from "../../../../scripts/cluster-launcher.mjs";
import type { Launcher } from "./checkout.js";

/** How long SIGSTOP/SIGCONT may take to show in /proc. */
const SIGNAL_SETTLE_MS = 2_000;
const SIGNAL_POLL_MS = 5;

export class MemberProcess {
  readonly logs: LogRing;
  private current: Proc | undefined;

  constructor(
    readonly name: string,
    private readonly launcher: Launcher,
    private readonly log: ((line: string) => void) | undefined,
  ) {
    this.logs = new launcher.LogRing(launcher.LIMITS.logLinesMax);
  }

  /** For the launcher's onSpawn: the process this slot now holds. */
  readonly adopt = (proc: Proc): void => {
    this.current = proc;
  };

  /** For the launcher's onLine. */
  readonly onLine = (record: LogRecord): void => {
    this.log?.(this.launcher.formatLogLine(record, { name: this.name }));
  };

  get proc(): Proc | undefined {
    return this.current;
  }

  get running(): boolean {
    return this.current !== undefined && this.current.exit === undefined;
  }

  get pid(): number | null {
    return this.running ? (this.current?.pid ?? null) : null;
  }

  tail(lines: number = this.launcher.LIMITS.errorTailLines): string {
    return this.logs.tail(lines);
  }

  /** SIGKILL; resolves once the process is gone. A process not running is not an error. */
  async kill(): Promise<void> {
    if (this.current) await this.launcher.stopProcess(this.current, { signal: "SIGKILL" });
  }

  /** SIGTERM (and SIGCONT, in case it is paused); SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<StopResult | undefined> {
    if (!this.current) return undefined;
    return this.launcher.stopProcess(this.current, { signal: "SIGTERM", graceMs });
  }

  /** SIGSTOP; resolves once the kernel shows it stopped. */
  async pause(): Promise<void> {
    await this.signalAndAwait("SIGSTOP", (state) => state === "T" || state === "t", "stop after SIGSTOP");
  }

  /** SIGCONT; resolves once the kernel shows it running again. */
  async resume(): Promise<void> {
    await this.signalAndAwait("SIGCONT", (state) => state !== "T" && state !== "t", "run again after SIGCONT");
  }

  /** Sends SIGKILL now, without waiting: for the exit hook. */
  killNow(): void {
    if (this.current && this.running) this.launcher.signalProcess(this.current, "SIGKILL");
  }

  private async signalAndAwait(
    signal: NodeJS.Signals,
    reached: (state: string | undefined) => boolean,
    what: string,
  ): Promise<void> {
    const proc = this.current;
    const pid = this.pid;
    if (!proc || pid === null) throw new Error(`cannot send ${signal} to ${this.name}: it is not running`);
    this.launcher.signalProcess(proc, signal);
    const deadline = Date.now() + SIGNAL_SETTLE_MS;
    for (;;) {
      const state = this.launcher.processState(pid);
      if (state === undefined || proc.exit || reached(state)) return;
      if (Date.now() >= deadline) {
        throw new Error(`${this.name} (pid ${pid}) did not ${what} within ${SIGNAL_SETTLE_MS} ms (state ${state})`);
      }
      await delay(SIGNAL_POLL_MS);
    }
  }
}
