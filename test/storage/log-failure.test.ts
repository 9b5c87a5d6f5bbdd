// What a partition log does when its disk refuses writes, scenario by scenario. Why: a
// full or failing disk must fail appends cleanly (STORAGE_ERROR, nothing half-written,
// nothing acknowledged lost), be reported once per failure, and clear by itself once the
// disk takes writes again, except after a failed fsync, which only a restart's recovery
// can be trusted to repair.
//
// How: write failures are injected through the FileHandleCache seam (a segment file
// handed out read-only, so writeSync fails with EBADF; an fsync on a descriptor that is
// not open). A last scenario fills a real tmpfs (ENOSPC) when this process may mount one.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  rmdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { isTidelogError, type TidelogError } from "@tidelog/client/record";
import { ManualClock } from "../../src/common/clock.js";
import type { LogFn, Logger } from "../../src/common/logger.js";
import { FileHandleCache } from "../../src/storage/file-handle-cache.js";
import { LogDirHealth, type LogDirState } from "../../src/storage/log-dir-health.js";
import { LogManager } from "../../src/storage/log-manager.js";
import { PartitionLog } from "../../src/storage/partition-log.js";
import { batchOf, readAll, smallConfig, tempDir } from "./fixtures.js";

/** A descriptor number no test process has open: fsync on it fails with EBADF. */
const NOT_OPEN_FD = 2 ** 30;

/** Hands out segment files read-only (`failWrites`) or unfsyncable (`failFsync`). */
class FaultyFiles extends FileHandleCache {
  failWrites = false;
  failFsync = false;

  override use<T>(path: string, fn: (fd: number) => T): T {
    if (!this.failWrites || !path.endsWith(".log")) return super.use(path, fn);
    const fd = openSync(path, "r");
    try {
      return fn(fd);
    } finally {
      closeSync(fd);
    }
  }

  override pin(path: string): { readonly fd: number; release(): void } {
    if (this.failFsync) return { fd: NOT_OPEN_FD, release() {} };
    return super.pin(path);
  }
}

interface Line {
  level: "debug" | "info" | "warn" | "error";
  msg: string;
  obj: Record<string, unknown>;
}

function recordingLogger(lines: Line[]): Logger {
  const at =
    (level: Line["level"]): LogFn =>
    (obj: object | string, msg?: string) => {
      if (typeof obj === "string") lines.push({ level, msg: obj, obj: {} });
      else lines.push({ level, msg: msg ?? "", obj: obj as Record<string, unknown> });
    };
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

function setup(t: TestContext, dir = tempDir(t)) {
  const files = new FaultyFiles(16);
  const clock = new ManualClock();
  const lines: Line[] = [];
  const failures: TidelogError[] = [];
  const open = () =>
    PartitionLog.open({
      dir,
      config: smallConfig({ segmentBytes: 64 * 1024, maxMessageBytes: 16 * 1024 }),
      files,
      clock,
      logger: recordingLogger(lines),
      onFailure: (e) => failures.push(e),
    });
  return { dir, files, clock, lines, failures, open, log: open() };
}

const values = (log: PartitionLog) => readAll(log).map((r) => r.value);
const storageError = (e: unknown) => isTidelogError(e, "STORAGE_ERROR");

test("a failed append changes nothing, refuses later appends once-reported, and clears when writes succeed again", (t) => {
  const { log, files, failures, lines, dir } = setup(t);
  log.appendAsLeader(batchOf(["a", "b"]), 0);
  const segment = join(dir, "00000000000000000000.log");
  const sizeBefore = statSync(segment).size;

  files.failWrites = true;
  assert.throws(() => log.appendAsLeader(batchOf(["c"]), 0), storageError);
  assert.throws(() => log.appendAsLeader(batchOf(["d"]), 0), storageError, "refused while failed");
  assert.throws(() => log.appendAsFollower(batchOf(["e"])), storageError, "followers too");
  assert.equal(log.logEndOffset, 2, "nothing was appended");
  assert.equal(statSync(segment).size, sizeBefore, "nothing half-written");
  assert.deepEqual(values(log), ["a", "b"], "reads go on");
  const failure = log.storageFailure;
  assert.ok(failure?.recoverable, "a write-time failure is recoverable");
  assert.match(failure.error.message, /EBADF/);
  assert.equal(failures.length, 1, "reported once, not per refused append");
  assert.equal(lines.filter((l) => l.level === "warn").length, 1);

  files.failWrites = false;
  assert.equal(log.tryRecover(), true);
  assert.equal(log.storageFailure, null);
  assert.ok(lines.some((l) => l.level === "info" && l.msg === "log writable again"));
  assert.equal(log.appendAsLeader(batchOf(["c"]), 0).firstOffset, 2, "offsets carry on where they stopped");
  assert.deepEqual(values(log), ["a", "b", "c"]);
  assert.equal(log.tryRecover(), true, "a writable log stays writable");
});

test("recovery cuts a partial batch the failed append could not remove", (t) => {
  const { log, files, dir, open } = setup(t);
  log.appendAsLeader(batchOf(["a"]), 0);
  files.failWrites = true;
  assert.throws(() => log.appendAsLeader(batchOf(["b"]), 0), storageError);
  files.failWrites = false;
  // As if the write had gone half-way and the ftruncate back had failed too.
  const segment = join(dir, "00000000000000000000.log");
  const size = statSync(segment).size;
  appendFileSync(segment, batchOf(["torn"]).subarray(0, 30));
  assert.equal(log.tryRecover(), true);
  assert.equal(statSync(segment).size, size, "the partial tail is cut");
  log.appendAsLeader(batchOf(["b"]), 0);
  assert.deepEqual(values(log), ["a", "b"]);
  files.closeAll();
  assert.deepEqual(values(open()), ["a", "b"], "a reopen finds exactly what was acknowledged");
});

test("a segment file shorter than the log holds cannot be repaired in place: the failure becomes sticky", (t) => {
  const { log, files, dir } = setup(t);
  log.appendAsLeader(batchOf(["a", "b"]), 0);
  files.failWrites = true;
  assert.throws(() => log.appendAsLeader(batchOf(["c"]), 0), storageError);
  files.failWrites = false;
  truncateSync(join(dir, "00000000000000000000.log"), 10);
  assert.equal(log.tryRecover(), false);
  assert.equal(log.storageFailure?.recoverable, false);
  assert.equal(log.tryRecover(), false, "and stays so");
});

test("a failed fsync is sticky: no recovery in place, no later fsync moves the recovery point, a restart recovers", async (t) => {
  const { log, files, failures, lines, open } = setup(t);
  log.appendAsLeader(batchOf(["a"]), 0);
  await log.flush();
  assert.equal(log.recoveryPoint, 1);
  log.appendAsLeader(batchOf(["b"]), 0);

  files.failFsync = true;
  await assert.rejects(log.flush(), storageError);
  assert.equal(log.storageFailure?.recoverable, false);
  assert.equal(failures.length, 1);
  assert.ok(
    lines.some((l) => l.level === "error"),
    "a sticky failure is logged at error",
  );
  assert.throws(() => log.appendAsLeader(batchOf(["c"]), 0), storageError);

  files.failFsync = false;
  assert.equal(log.tryRecover(), false, "never cleared in place");
  assert.equal(log.flushNeeded(), false, "the background flush leaves it alone");
  await assert.rejects(log.flush(), storageError, "an fsync that 'succeeds' now may be lying");
  assert.equal(log.recoveryPoint, 1, "the recovery point stayed below the unsynced batch");
  await assert.rejects(log.close(), storageError, "close reports it: no clean-shutdown marker");

  files.closeAll();
  const reopened = open();
  assert.equal(reopened.storageFailure, null, "a restart recovers the log");
  assert.deepEqual(values(reopened), ["a", "b"]);
  reopened.appendAsLeader(batchOf(["c"]), 0);
  assert.deepEqual(values(reopened), ["a", "b", "c"]);
});

test("the log directory monitor reports each transition once and recovers failed logs", async (t) => {
  const { log, files, dir, lines } = setup(t);
  const clock = new ManualClock();
  const monitorLines: Line[] = [];
  const health = new LogDirHealth({
    dataDir: dir,
    logs: () => [{ tp: { topic: "orders", partition: 3 }, log }],
    clock,
    logger: recordingLogger(monitorLines),
  });
  const changes: LogDirState[] = [];
  health.onChange((s) => changes.push(s));
  log.appendAsLeader(batchOf(["a"]), 0);
  await health.check();
  assert.deepEqual([health.state.failed, changes.length], [false, 0]);

  // A write fails, but the disk takes writes again by the time the monitor looks: logged
  // as a failure and a recovery, while listeners, who hear where a check ends, move no
  // leadership for the blip.
  files.failWrites = true;
  assert.throws(() => log.appendAsLeader(batchOf(["b"]), 0), storageError);
  files.failWrites = false;
  health.logFailed();
  await health.check();
  assert.equal(health.state.failed, false);
  assert.equal(log.storageFailure, null, "the monitor recovered the log");
  assert.equal(changes.length, 0, "no flip for listeners");
  assert.deepEqual(
    monitorLines.map((l) => [l.level, l.msg]),
    [
      ["error", "cannot write to the log directory: its partitions refuse appends and give up leadership"],
      ["info", "log directory writable again"],
    ],
  );
  assert.equal(lines.filter((l) => l.msg === "log writable again").length, 1);

  // A failure the monitor cannot clear (a failed fsync): reported once, and kept.
  log.appendAsLeader(batchOf(["b"]), 0);
  files.failFsync = true;
  await assert.rejects(log.flush(), storageError);
  health.logFailed();
  await health.check();
  await health.check();
  assert.equal(health.state.failed, true);
  assert.equal(health.state.failedLogs[0]?.key, "orders-3");
  assert.equal(health.state.restartRequired, 1);
  assert.equal(health.failuresTotal, 2);
  assert.deepEqual(
    changes.map((c) => c.failed),
    [true],
  );
  const errors = monitorLines.filter((l) => l.level === "error");
  assert.equal(errors.length, 2, "one error line per transition, not one per check");
  assert.deepEqual(errors[1]?.obj.partitions, ["orders-3"]);
  assert.equal(errors[1]?.obj.restartRequired, 1);
});

/**
 * Mounts a 4 MiB tmpfs (room for the monitor's 1 MiB probe once freed), or returns why
 * not (not root); unmounted when the test ends.
 */
function tmpfs(t: TestContext): string | { skip: string } {
  const dir = mkdtempSync(join(tmpdir(), "tidelog-tmpfs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir], { stdio: "pipe" });
  } catch (e) {
    rmdirSync(dir);
    return { skip: `mounting a tmpfs needs root: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}` };
  }
  t.after(() => {
    // Lazy: a descriptor the test still holds must not keep the mount alive.
    execFileSync("umount", ["-l", dir], { stdio: "pipe" });
    rmdirSync(dir);
  });
  return dir;
}

test("a full disk (tmpfs): ENOSPC fails the append cleanly, recovery waits for space, then everything is there", async (t) => {
  const mount = tmpfs(t);
  if (typeof mount !== "string") {
    t.skip(mount.skip);
    return;
  }
  const { log, open, files } = setup(t, join(mount, "orders-0"));
  const health = new LogDirHealth({
    dataDir: mount,
    logs: () => [{ tp: { topic: "orders", partition: 0 }, log }],
    clock: new ManualClock(),
    logger: recordingLogger([]),
  });
  const big = (i: number) => batchOf([`${i}`.padEnd(6000, "x")]);
  log.appendAsLeader(big(0), 0);
  const filler = join(mount, "filler");
  const fd = openSync(filler, "w");
  for (let pos = 0; ; ) {
    try {
      pos += writeSync(fd, Buffer.alloc(4096), 0, 4096, pos);
    } catch {
      break;
    }
  }
  closeSync(fd);

  assert.throws(
    () => log.appendAsLeader(big(1), 0),
    (e) => storageError(e) && /ENOSPC/.test(String(e)),
  );
  assert.equal(log.logEndOffset, 1);
  assert.equal(log.tryRecover(), false, "still full: the probe fails");
  await health.check();
  assert.equal(health.state.failed, true);
  assert.match(health.state.probeError ?? "", /ENOSPC/);

  rmSync(filler);
  await health.check();
  assert.equal(health.state.failed, false, "recovered once space is back");
  log.appendAsLeader(big(1), 0);
  assert.deepEqual(
    values(log).map((v) => v.slice(0, 1)),
    ["0", "1"],
  );
  await log.close();
  files.closeAll();
  assert.deepEqual(
    values(open()).map((v) => v.slice(0, 1)),
    ["0", "1"],
  );
});

test("a log that cannot be created is a failed log: STORAGE_ERROR, the directory failed, created by the check once possible", async (t) => {
  // Why: a partition assigned to a broker whose disk is full must not look like a missing
  // partition, nor stop silently: the directory reports failed (leadership moves away)
  // and the log appears by itself once the disk takes writes again.
  const dir = tempDir(t);
  const lines: Line[] = [];
  const manager = LogManager.open({
    dataDir: dir,
    defaultConfig: smallConfig({ segmentBytes: 1024 }),
    clock: new ManualClock(),
    logger: recordingLogger(lines),
    openFilesMax: 8,
  });
  const tp = { topic: "late", partition: 0 };
  // A file where the log's directory must go: creating the log fails as ENOSPC would.
  const blocker = join(dir, "late-0");
  appendFileSync(blocker, "not a directory");
  assert.throws(
    () => manager.getOrCreateLog(tp),
    (e: unknown) =>
      isTidelogError(e) && e.code === "STORAGE_ERROR" && e.message.includes("cannot create the log of late-0"),
  );
  await manager.health.check();
  assert.equal(manager.health.state.failed, true);
  assert.deepEqual(
    manager.health.state.failedLogs.map((f) => [f.key, f.recoverable]),
    [["late-0", true]],
  );
  assert.equal(manager.getLog(tp), undefined);

  rmSync(blocker);
  await manager.health.check();
  assert.equal(manager.health.state.failed, false, "the check created the log");
  assert.ok(manager.getLog(tp), "the log exists");
  assert.deepEqual(manager.failedCreations(), []);

  // A failure for a partition no longer assigned here is forgotten, not retried forever.
  const gone = { topic: "gone", partition: 1 };
  appendFileSync(join(dir, "gone-1"), "x");
  assert.throws(() => manager.getOrCreateLog(gone));
  manager.forgetFailedCreation(gone);
  await manager.health.check();
  assert.equal(manager.health.state.failed, false);
  await manager.shutdown();
});
