/**
 * Clean-up that must run however this process ends: a launched cluster's processes,
 * network namespaces and tmpfs mounts outlive it otherwise. `close()` is the normal path;
 * this hook is the last resort on `exit` and on SIGINT/SIGTERM/SIGHUP, whose default
 * action ends the process without an `exit` event. Each hook holds its own listeners (no
 * module state): while another listener handles the signal the hook leaves it to that
 * one; otherwise it cleans up and the process dies of the signal again, as it would have
 * without us.
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
      // Someone else handles the signal (tidelog verify's first Ctrl-C ends the run
      // gently, and closes the cluster itself): leave it to them. The `exit` listener
      // still cleans up if the process ends anyway.
      if (process.listenerCount(signal) > 1) return;
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
