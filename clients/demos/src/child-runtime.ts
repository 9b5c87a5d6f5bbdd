/**
 * The child side of demo-child.ts: a child's arguments (one JSON document as its first
 * argument), its reports to the demo over IPC, and its end when the demo goes away (an
 * orphaned processor must not keep a consumer group busy).
 */

export function childArgs<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error("a demo child is started by the demo, with its arguments as JSON");
  return JSON.parse(raw) as T;
}

/** Sends `message` to the demo; a child without a channel (run by hand) prints it instead. */
export function report<T extends { type: string }>(message: T): void {
  if (process.send) process.send(message);
  else console.log(JSON.stringify(message));
}

/** Calls `handler` with each message from the demo; exits (status 1) when the demo's channel closes. */
export function listen<T extends { type: string }>(handler: (message: T) => void): void {
  process.on("message", (m) => handler(m as T));
  process.on("disconnect", () => process.exit(1));
}
