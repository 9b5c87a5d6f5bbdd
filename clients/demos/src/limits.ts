/**
 * Every bound of the demos, named in one place with what it costs. A demo is a bounded
 * run: nothing it waits for, retries or keeps grows without a limit, and a wait that
 * runs out is reported as what it is (a stuck cluster), never turned into a pass.
 */

/** `--seconds` when not given: long enough for every fault of a demo to happen once. */
export const DEFAULT_SECONDS = 20;
/** The largest `--seconds`: the records a demo keeps in memory to check grow with it. */
export const MAX_SECONDS = 3600;
/** The shortest run that still fits each demo's faults in (one fault every second or two). */
export const MIN_SECONDS = 5;

/** After the run, how long the processors may take to catch up with the input (a stalled group fails the demo). */
export const DRAIN_TIMEOUT_MS = 60_000;
/** How long reading a topic back may take, open transactions decided included. */
export const READ_BACK_TIMEOUT_MS = 60_000;
/** How long a broker fault's aftermath may take (a killed broker back and every replica in sync). */
export const RECOVERY_TIMEOUT_MS = 45_000;
/** How long a child process may take to start (tsx compiles the SDK on the fly in a source checkout). */
export const CHILD_READY_TIMEOUT_MS = 60_000;
/** How long closing the demo's SDK client may take (an interrupted run may leave sends to a dead broker behind). */
export const CLIENT_CLOSE_TIMEOUT_MS = 5_000;
/** SIGTERM to SIGKILL for a child at the end of a run. */
export const CHILD_STOP_GRACE_MS = 5_000;
/** IPC messages a parent keeps from one child before dropping the oldest (children report counts, not records). */
export const CHILD_MESSAGES_KEPT = 1_000;
/** Output lines of a child kept for the report when it fails. */
export const CHILD_LOG_LINES_KEPT = 50;

/** Orders sent per input tick and ticks per second: about 100 orders/s, which 3 processors keep up with on a 2-core machine running 3 brokers. */
export const ORDERS_PER_TICK = 10;
export const INPUT_TICK_MS = 100;
/** Input sends awaiting their answer; beyond it a tick is skipped (the input slows down instead of queueing). */
export const INPUT_PENDING_SENDS_MAX = 20;
/** Bank transfers in flight at once (one per transfer producer). */
export const BANK_TRANSFER_PRODUCERS = 2;
/** Records per idempotence send call, and calls awaiting their answer at once. */
export const IDEMPOTENCE_RECORDS_PER_SEND = 25;
export const IDEMPOTENCE_PENDING_SENDS_MAX = 40;

/** Example records printed under a violated check. */
export const EXAMPLES_SHOWN = 5;
/** A TTY's live line is redrawn at most this often; plain output gets a progress line this often. */
export const LIVE_REDRAW_MS = 200;
export const PLAIN_PROGRESS_MS = 2_000;
