/**
 * Clean-up that must run however this process ends: a launched cluster's processes,
 * network namespaces and tmpfs mounts outlive it otherwise. `close()` is the normal path;
 * this hook is the last resort on `exit` and on SIGINT/SIGTERM/SIGHUP, whose default
 * action ends the process without an `exit` event. Each hook holds its own listeners (no
 * module state): the last listener of a signal to run dies of it again, as the process
 * would have without us, unless someone else (e.g. node:test) still handles it.
 */

/** Registers `fn` (synchronous, idempotent); returns the function that unregisters it. */
export type ProcessExitRegistrar = (fn: () => void) => () => void;

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export const onProcessExit: ProcessExitRegistrar = (fn) => {
  let done = false;
  const runOnce = () => {
    if (done) return;
    done = true;
    try {
      fn();
    } catch {
      // Best effort: the process is going away; the next launch sweeps what is left.
    }
  };
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      runOnce();
      unregister();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    return [signal, handler] as const;
  });
  const unregister = () => {
    process.removeListener("exit", runOnce);
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
  process.on("exit", runOnce);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return unregister;
};
