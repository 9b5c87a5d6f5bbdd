/**
 * Judging a saved history offline: read history.jsonl back (streamed, each op checked
 * for format) through a workload's checker, the timeline and the fault log, exactly as a
 * live run feeds them. So a history can be re-checked by a newer checker, or a doctored
 * one fed to prove the checker sees what it should.
 *
 *   const { check } = await checkHistoryFile("out/history.jsonl", "queue");
 *   assert.equal(check.valid, true);
 */
import { GroupChecker } from "./checkers/group.js";
import { QueueChecker } from "./checkers/queue.js";
import type { Checker, CheckResult } from "./checkers/result.js";
import { TxnChecker } from "./checkers/txn.js";
import { VerifyError } from "./errors.js";
import { readHistory } from "./history.js";
import { type FaultCounts, FaultLog } from "./report/fault-log.js";
import { type TimelineData, TimelineRecorder } from "./report/timeline.js";
import { isWorkloadName, WORKLOAD_NAMES, type WorkloadName } from "./workloads/workload.js";

export function checkerFor(workload: WorkloadName): Checker {
  switch (workload) {
    case "queue":
      return new QueueChecker();
    case "txn":
      return new TxnChecker();
    case "group":
      return new GroupChecker();
  }
}

export interface HistoryVerdict {
  readonly check: CheckResult;
  readonly faults: readonly FaultCounts[];
  readonly timeline: TimelineData;
}

export async function checkHistoryFile(path: string, workload: WorkloadName): Promise<HistoryVerdict> {
  if (!isWorkloadName(workload)) {
    throw new VerifyError(
      "INVALID_OPTION",
      `workload is one of ${WORKLOAD_NAMES.join(", ")}, not ${JSON.stringify(workload)}`,
    );
  }
  const checker = checkerFor(workload);
  const timeline = new TimelineRecorder();
  const faults = new FaultLog();
  for await (const op of readHistory(path)) {
    checker.observe(op);
    timeline.observe(op);
    faults.observe(op);
  }
  return { check: checker.result(), faults: faults.counts(), timeline: timeline.data() };
}
